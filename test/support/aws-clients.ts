import { IdentitystoreClient } from '@aws-sdk/client-identitystore';
import { VoiceIDClient } from '@aws-sdk/client-voice-id';
import type { TestServer } from './server-process.js';

export interface ClientCredentials {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
}

const common = (server: TestServer, credentials: ClientCredentials) => ({
  endpoint: server.url,
  region: 'us-east-1',
  credentials,
  // One attempt: tests assert on the first answer, retries would hide it.
  maxAttempts: 1,
});

export const identityStoreClient = (
  server: TestServer,
  credentials: ClientCredentials,
  extra: Record<string, unknown> = {},
): IdentitystoreClient => new IdentitystoreClient({ ...common(server, credentials), ...extra });

export const voiceIdClient = (
  server: TestServer,
  credentials: ClientCredentials,
  extra: Record<string, unknown> = {},
): VoiceIDClient => new VoiceIDClient({ ...common(server, credentials), ...extra });
