/**
 * AWS Signature Version 4 for the AWS JSON doors: the canonical request, the Authorization
 * header, and the verifier that puts them together with the secret.
 *
 * ### Examples
 * ```ts
 * const verifier = new SigV4Verifier();
 * const result = await verifier.verify(request, { service: () => 'voiceid', now: new Date(), maxClockSkewSeconds: 300, lookupSecret });
 * ```
 */
export {
  SigV4Verifier,
  type SigV4Failure,
  type SigV4Result,
  type SigV4VerifierOptions,
  type SkewDetail,
  type VerifyOptions,
} from './verifier.js';
export { canonicalQuery, canonicalUri, type SignedRequest } from './canonical-request.js';
export { SIGV4_ALGORITHM } from './authorization-header.js';
