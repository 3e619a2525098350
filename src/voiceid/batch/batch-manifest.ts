import { parseS3Uri } from '../../blobs/index.js';
import type { JobType } from '../../storage/index.js';
import type { AudioSpec } from './batch-audio.js';

/** One request of a manifest: usable, or with the problem that makes it an item error 400. */
export interface ManifestItem {
  /** Its position in the request list (0-based). */
  readonly index: number;
  readonly requestId: string;
  /** Enrollment requests: the customer speaker id. */
  readonly speakerId: string | undefined;
  readonly audio: readonly AudioSpec[];
  /** Set when the request is invalid: it is reported as an item error and not processed. */
  readonly problem: string | undefined;
}

export type ParsedManifest =
  | { readonly ok: true; readonly items: readonly ManifestItem[] }
  | { readonly ok: false; readonly problem: string };

const CUSTOMER_SPEAKER_ID = /^[a-zA-Z0-9][a-zA-Z0-9_-]{0,255}$/;

/** The request list's name in a manifest of `type`. */
export const requestListName = (type: JobType) =>
  type === 'SPEAKER_ENROLLMENT' ? 'SpeakerEnrollmentRequests' : 'FraudsterRegistrationRequests';

/**
 * Reads a batch manifest (one JSON document, admin guide schema). What makes the document
 * unusable as a whole fails the job: not JSON, not an object, Version other than "1.0", no
 * request list, a request that is not an object or has no RequestId, a RequestId used twice
 * (results could not be told apart). A request that is wrong in itself (its SpeakerId, its
 * AudioSpecifications) is an item error, and the other requests are processed.
 */
export function parseManifest(type: JobType, bytes: Buffer): ParsedManifest {
  let doc: unknown;
  try {
    doc = JSON.parse(bytes.toString('utf8'));
  } catch (e) {
    return { ok: false, problem: `the manifest is not valid JSON: ${(e as Error).message}` };
  }
  if (typeof doc !== 'object' || doc === null || Array.isArray(doc))
    return { ok: false, problem: 'the manifest must be a JSON object' };
  const m = doc as Record<string, unknown>;
  if (m.Version !== '1.0') return { ok: false, problem: 'the manifest Version must be "1.0"' };
  const listName = requestListName(type);
  const requests = m[listName];
  if (!Array.isArray(requests) || requests.length === 0)
    return { ok: false, problem: `the manifest needs a non-empty ${listName} list` };
  const ids = new Set<string>();
  const items: ManifestItem[] = [];
  for (const [i, r] of requests.entries()) {
    const at = `${listName}[${i}]`;
    if (typeof r !== 'object' || r === null || Array.isArray(r))
      return { ok: false, problem: `${at} must be an object` };
    const req = r as Record<string, unknown>;
    if (typeof req.RequestId !== 'string' || req.RequestId.length === 0)
      return { ok: false, problem: `${at}.RequestId is required` };
    if (ids.has(req.RequestId))
      return {
        ok: false,
        problem: `${at}.RequestId '${req.RequestId}' is not unique in the manifest`,
      };
    ids.add(req.RequestId);
    const speakerId = typeof req.SpeakerId === 'string' ? req.SpeakerId : undefined;
    const { audio, problem } = itemProblem(type, at, req);
    items.push({ index: i, requestId: req.RequestId, speakerId, audio, problem });
  }
  return { ok: true, items };
}

function itemProblem(
  type: JobType,
  at: string,
  req: Record<string, unknown>,
): { audio: AudioSpec[]; problem: string | undefined } {
  const audio: AudioSpec[] = [];
  if (
    type === 'SPEAKER_ENROLLMENT' &&
    (typeof req.SpeakerId !== 'string' || !CUSTOMER_SPEAKER_ID.test(req.SpeakerId))
  ) {
    return {
      audio,
      problem: `${at}.SpeakerId must be a customer speaker id ([a-zA-Z0-9][a-zA-Z0-9_-]*); GeneratedSpeakerId is not supported`,
    };
  }
  const list = req.AudioSpecifications;
  if (!Array.isArray(list) || list.length < 1 || list.length > 10)
    return { audio, problem: `${at}.AudioSpecifications must list 1 to 10 audio files` };
  for (const [j, a] of list.entries()) {
    const spec = a as Record<string, unknown> | null;
    if (typeof spec?.S3Uri !== 'string' || !parseS3Uri(spec.S3Uri))
      return {
        audio,
        problem: `${at}.AudioSpecifications[${j}].S3Uri must be s3://<bucket>/<key>`,
      };
    if (spec.ChannelId !== undefined && spec.ChannelId !== 0 && spec.ChannelId !== 1)
      return { audio, problem: `${at}.AudioSpecifications[${j}].ChannelId must be 0 or 1` };
    audio.push({ s3Uri: spec.S3Uri, channelId: spec.ChannelId ?? 0 });
  }
  return { audio, problem: undefined };
}
