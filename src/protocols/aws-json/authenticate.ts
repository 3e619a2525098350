import { catalog, voxError, type VoxgateError } from '../../errors/index.js';
import type { SigV4Result } from './sigv4/index.js';

type Failure = Extract<SigV4Result, { ok: false }>;

/** SigV4 failures as the errors AWS's JSON services answer, by name. */
export function sigV4Error(result: Failure): VoxgateError {
  switch (result.failure) {
    case 'missing-authentication':
      return voxError(catalog.MissingAuthenticationToken);
    case 'incomplete-signature':
      return voxError(catalog.IncompleteSignature, { detail: result.message });
    case 'unknown-access-key':
    case 'invalid-security-token':
      return voxError(catalog.UnrecognizedClient);
    case 'signature-expired':
      return voxError(catalog.SignatureExpired, {
        signedAt: result.skew?.signedAt ?? '',
        earliest: result.skew?.bound ?? '',
        now: result.skew?.now ?? '',
        skewMinutes: result.skew?.minutes ?? '',
      });
    case 'signature-not-yet-current':
      return voxError(catalog.SignatureNotYetCurrent, {
        signedAt: result.skew?.signedAt ?? '',
        latest: result.skew?.bound ?? '',
        now: result.skew?.now ?? '',
        skewMinutes: result.skew?.minutes ?? '',
      });
    case 'content-sha256-mismatch':
      return voxError(catalog.ContentSha256Mismatch);
    case 'wrong-service':
      return voxError(catalog.WrongCredentialScope, { service: result.expectedService ?? '' });
    case 'signature-mismatch':
      return voxError(catalog.SignatureMismatch);
    default: {
      const never: never = result.failure;
      return never;
    }
  }
}
