import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';

/** Where manifests, audio and job outputs live: `s3://bucket/key` addresses. */
export interface BlobStore {
  /** The object's bytes, or undefined when it does not exist. */
  get(uri: S3Uri): Promise<Buffer | undefined>;
  put(uri: S3Uri, bytes: Uint8Array): Promise<void>;
}

export interface S3Uri {
  readonly bucket: string;
  readonly key: string;
}

const S3 = /^s3:\/\/([a-z0-9][.\-a-z0-9]{1,61}[a-z0-9])\/(.+)$/;

/** Parses `s3://bucket/key`; undefined when it is not one (or has no key). */
export function parseS3Uri(uri: string): S3Uri | undefined {
  const m = S3.exec(uri);
  if (!m || !m[1] || !m[2]) return undefined;
  return { bucket: m[1], key: m[2] };
}

/**
 * The embedded blob store: bucket `b`, key `k` is the file `<root>/b/k`. Users put manifests
 * and audio there with `voxgate admin blobs put s3://b/k FILE` or by copying files into the
 * directory. Keys that would leave the bucket directory (`..`, absolute parts) never resolve.
 *
 * ### Examples
 * ```ts
 * const blobs = new LocalBlobStore('/var/lib/voxgate/blobs');
 * await blobs.get(parseS3Uri('s3://input/manifest.json')!);
 * ```
 */
export class LocalBlobStore implements BlobStore {
  readonly #root: string;

  constructor(root: string) {
    this.#root = path.resolve(root);
  }

  private file(uri: S3Uri): string | undefined {
    const bucketDir = path.join(this.#root, uri.bucket);
    const file = path.resolve(bucketDir, uri.key);
    return file.startsWith(bucketDir + path.sep) ? file : undefined;
  }

  async get(uri: S3Uri): Promise<Buffer | undefined> {
    const file = this.file(uri);
    if (!file) return undefined;
    try {
      return await readFile(file);
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code === 'ENOENT' || code === 'EISDIR' || code === 'ENOTDIR') return undefined;
      throw e;
    }
  }

  async put(uri: S3Uri, bytes: Uint8Array): Promise<void> {
    const file = this.file(uri);
    if (!file) throw new RangeError(`invalid key '${uri.key}'`);
    await mkdir(path.dirname(file), { recursive: true });
    // Write then rename: a reader never sees half an object.
    const tmp = `${file}.${process.pid}.tmp`;
    await writeFile(tmp, bytes);
    await rename(tmp, file);
  }
}
