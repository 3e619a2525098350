import { randomBytes } from 'node:crypto';
import { mkdir, open, rename, rm, type FileHandle } from 'node:fs/promises';
import path from 'node:path';
import { maxBytesOf, type BlobGetOptions, type BlobStore } from './blob-store.js';
import { BlobTooLarge } from './blob-too-large.js';
import { InvalidBlobKey } from './invalid-blob-key.js';
import type { S3Uri } from './s3-uri.js';

/** A path that cannot be an object: nothing there, or the key runs through a file. */
const ABSENT = new Set(['ENOENT', 'ENOTDIR', 'EISDIR', 'ENAMETOOLONG']);
/** Put failures that say the directory cannot hold this key beside the ones it has. */
const KEY_CLASH = new Set(['ENOTDIR', 'EISDIR', 'EEXIST', 'ENAMETOOLONG']);
const READ_CHUNK_BYTES = 64 * 1024;

/**
 * Why the directory cannot hold `segment` as itself, or undefined when it can. `..` would
 * leave the bucket's directory; `.`, empty segments (`a//b`, a leading or trailing `/`) would
 * alias another key, since the file system collapses them.
 */
function badSegment(segment: string): string | undefined {
  if (segment === '') return 'empty path segments (a leading, trailing or doubled /)';
  if (segment === '.' || segment === '..') return `a '${segment}' path segment`;
  if (segment.includes('\0')) return 'a NUL character';
  return undefined;
}

const errorCode = (e: unknown): string | undefined => (e as NodeJS.ErrnoException).code;

/**
 * The embedded blob store: bucket `b`, key `k` is the file `<root>/b/k`. Users put manifests
 * and audio there with `voxgate admin blobs put s3://b/k FILE` or by copying files into the
 * directory. Keys the directory cannot hold as themselves (see {@link InvalidBlobKey}) never
 * resolve: get answers undefined, put refuses them. File system errors other than "not there"
 * (EACCES, ENOSPC, EIO) propagate as they are.
 *
 * ### Examples
 * ```ts
 * const blobs = new LocalBlobStore('/var/lib/voxgate/blobs');
 * await blobs.get(parseS3Uri('s3://input/manifest.json')!, { maxBytes: 1_048_576 });
 * ```
 */
export class LocalBlobStore implements BlobStore {
  readonly #root: string;

  constructor(root: string) {
    this.#root = path.resolve(root);
  }

  /** The file of `uri`, or why there is none. */
  #file(uri: S3Uri): { readonly file: string } | { readonly invalid: string } {
    const bad =
      (uri.bucket.includes('/') ? 'a / in the bucket name' : badSegment(uri.bucket)) ??
      uri.key
        .split('/')
        .reduce<string | undefined>((found, s) => found ?? badSegment(s), undefined);
    if (bad) return { invalid: `the blob directory cannot hold a key with ${bad}` };
    const bucketDir = path.join(this.#root, uri.bucket);
    const file = path.resolve(bucketDir, uri.key);
    // Unreachable after the segment check; kept so that no future change can open an escape.
    if (!file.startsWith(bucketDir + path.sep))
      return { invalid: 'the key leaves its bucket directory' };
    return { file };
  }

  async get(uri: S3Uri, options?: BlobGetOptions): Promise<Buffer | undefined> {
    const maxBytes = maxBytesOf(options);
    const target = this.#file(uri);
    if (!('file' in target)) return undefined;
    let handle: FileHandle;
    try {
      handle = await open(target.file, 'r');
    } catch (e) {
      if (ABSENT.has(errorCode(e) ?? '')) return undefined;
      throw e;
    }
    try {
      const stat = await handle.stat();
      if (!stat.isFile()) return undefined;
      if (stat.size > maxBytes) throw new BlobTooLarge(uri, maxBytes, stat.size);
      return await readAtMost(handle, uri, maxBytes, stat.size);
    } catch (e) {
      if (errorCode(e) === 'EISDIR') return undefined;
      throw e;
    } finally {
      await handle.close();
    }
  }

  async put(uri: S3Uri, bytes: Uint8Array): Promise<void> {
    const target = this.#file(uri);
    if (!('file' in target)) throw new InvalidBlobKey(uri, target.invalid);
    const dir = path.dirname(target.file);
    // Write a temporary file beside the object, flush it, then rename it into place: a reader
    // sees the old bytes or the new ones, and an acknowledged put survives a crash. The name
    // starts with a dot and is random, so it is never another key's file or a concurrent put's.
    const tmp = path.join(dir, `.${randomBytes(9).toString('hex')}.voxgate-tmp`);
    try {
      await mkdir(dir, { recursive: true });
      const handle = await open(tmp, 'wx');
      try {
        await handle.writeFile(bytes);
        await handle.sync();
      } finally {
        await handle.close();
      }
      await rename(tmp, target.file);
    } catch (e) {
      await rm(tmp, { force: true }).catch(() => undefined);
      if (KEY_CLASH.has(errorCode(e) ?? ''))
        throw new InvalidBlobKey(
          uri,
          `the blob directory cannot hold this key beside the ones it has (${errorCode(e)}: one of its path segments is an object, or it names a folder of other objects)`,
        );
      throw e;
    }
    await syncDirectory(dir);
  }
}

/** Reads the file to its end, refusing it as soon as it has more than `maxBytes`. */
async function readAtMost(
  handle: FileHandle,
  uri: S3Uri,
  maxBytes: number,
  size: number,
): Promise<Buffer> {
  // Sized from the stat so that an unchanged file is one read plus the read that sees its end;
  // a file that grows after the stat (copied in place while read) is read on, up to the cap.
  const chunks: Buffer[] = [];
  let total = 0;
  let want = Math.min(size, maxBytes) + 1;
  for (;;) {
    const chunk = Buffer.allocUnsafe(want);
    const { bytesRead } = await handle.read(chunk, 0, want, null);
    if (bytesRead === 0) break;
    chunks.push(chunk.subarray(0, bytesRead));
    total += bytesRead;
    if (total > maxBytes) throw new BlobTooLarge(uri, maxBytes);
    want = Math.min(READ_CHUNK_BYTES, maxBytes + 1 - total);
  }
  return chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, total);
}

/** Makes a rename in `dir` durable; best effort where directories cannot be synced. */
async function syncDirectory(dir: string): Promise<void> {
  let handle: FileHandle | undefined;
  try {
    handle = await open(dir, 'r');
    await handle.sync();
  } catch {
    // Some file systems and platforms refuse fsync on a directory; the rename has happened.
  } finally {
    await handle?.close();
  }
}
