/** An object address: the bucket and key of `s3://bucket/key`. */
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

/** `s3://bucket/key`, for messages. */
export function formatS3Uri(uri: S3Uri): string {
  return `s3://${uri.bucket}/${uri.key}`;
}
