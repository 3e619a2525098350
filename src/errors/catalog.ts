/**
 * The error catalog: every error Voxgate can return, defined once. Domain code throws
 * `voxError(catalog.X, params)`; each protocol has one renderer; `docs/errors.md` is generated
 * from this (`npm run generate`) and a test fails when it is stale.
 */
import type { ErrorDefinition } from './error-definition.js';
import { adminErrors } from './catalog/admin.js';
import { awsJsonErrors } from './catalog/aws-json.js';
import { identityStoreErrors } from './catalog/identitystore.js';
import { speakerErrors } from './catalog/speaker.js';
import { speechErrors } from './catalog/speech.js';
import { speechExtensionErrors } from './catalog/speech-extensions.js';
import { voiceIdErrors } from './catalog/voiceid.js';
import { voiceIdStreamErrors } from './catalog/voiceid-stream.js';

export const catalog = Object.freeze({
  ...awsJsonErrors,
  ...identityStoreErrors,
  ...voiceIdErrors,
  ...voiceIdStreamErrors,
  ...speechErrors,
  ...speechExtensionErrors,
  ...adminErrors,
  ...speakerErrors,
});

export type CatalogId = keyof typeof catalog;

/** Every definition, in catalog order. */
export const allErrors: readonly ErrorDefinition[] = Object.values(catalog);
