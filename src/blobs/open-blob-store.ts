import type { BlobStore } from './blob-store.js';
import { LocalBlobStore } from './local-blob-store.js';
import type { S3BlobStoreOptions } from './s3-blob-store.js';

/** Where `s3://` URIs resolve: the local directory, or an S3-compatible service. */
export const BLOB_BACKENDS = ['local', 's3'] as const;
export type BlobBackend = (typeof BLOB_BACKENDS)[number];

/** The blob store's slice of the configuration (docs/configuration.md). */
export interface BlobStoreSettings {
  readonly blobBackend: string;
  readonly blobDir: string;
  readonly s3Endpoint: string | undefined;
  readonly s3Region: string;
  readonly s3AccessKeyId: string | undefined;
  /** A secret: never echoed by this module's messages. */
  readonly s3SecretAccessKey: string | undefined;
  readonly s3ForcePathStyle: boolean;
}

/**
 * Settings that do not make one blob store, naming the option to change and how. The runtime
 * turns it into `InvalidConfiguration`. Messages never contain the secret, nor the endpoint
 * (a URL may carry credentials in its user info).
 */
export class InvalidBlobStoreSettings extends Error {
  readonly key: keyof BlobStoreSettings;

  constructor(key: keyof BlobStoreSettings, detail: string) {
    super(detail);
    this.name = 'InvalidBlobStoreSettings';
    this.key = key;
  }
}

export type CheckedBlobStoreSettings =
  | { readonly backend: 'local'; readonly root: string }
  | { readonly backend: 's3'; readonly options: S3BlobStoreOptions };

const isBackend = (value: string): value is BlobBackend =>
  (BLOB_BACKENDS as readonly string[]).includes(value);

/** Checks the combination of settings; throws {@link InvalidBlobStoreSettings}. */
export function checkBlobStoreSettings(settings: BlobStoreSettings): CheckedBlobStoreSettings {
  const backend = settings.blobBackend;
  if (!isBackend(backend))
    throw new InvalidBlobStoreSettings(
      'blobBackend',
      `expected local (files under blobDir) or s3 (an S3-compatible service: s3Endpoint, s3AccessKeyId, s3SecretAccessKey), got ${JSON.stringify(backend)}`,
    );
  const s3Only = (['s3Endpoint', 's3AccessKeyId', 's3SecretAccessKey'] as const).filter(
    (key) => settings[key] !== undefined,
  );
  if (backend === 'local') {
    const [first] = s3Only;
    if (first !== undefined)
      throw new InvalidBlobStoreSettings(
        first,
        `${s3Only.join(', ')} ${s3Only.length === 1 ? 'is' : 'are'} set but blobBackend is local, so s3:// URIs would resolve to files under blobDir instead: set blobBackend to s3 (--blob-backend s3, VOXGATE_BLOB_BACKEND=s3) to use the S3 service, or unset ${s3Only.join(' and ')}`,
      );
    return { backend, root: settings.blobDir };
  }
  const { s3AccessKeyId: id, s3SecretAccessKey: secret } = settings;
  if ((id === undefined) !== (secret === undefined)) {
    const [given, missing] =
      id === undefined
        ? (['s3SecretAccessKey', 's3AccessKeyId'] as const)
        : (['s3AccessKeyId', 's3SecretAccessKey'] as const);
    throw new InvalidBlobStoreSettings(
      missing,
      `${given} is set without ${missing}: set both, or neither to use the AWS default credential chain (AWS_ACCESS_KEY_ID, ~/.aws, instance roles)`,
    );
  }
  if (settings.s3Endpoint !== undefined) checkEndpoint(settings.s3Endpoint);
  return {
    backend,
    options: {
      endpoint: settings.s3Endpoint,
      region: settings.s3Region,
      credentials:
        id !== undefined && secret !== undefined
          ? { accessKeyId: id, secretAccessKey: secret }
          : undefined,
      forcePathStyle: settings.s3ForcePathStyle,
    },
  };
}

function checkEndpoint(endpoint: string): void {
  const fail = (why: string): never => {
    throw new InvalidBlobStoreSettings(
      's3Endpoint',
      `${why}; expected the service's http:// or https:// URL, such as http://127.0.0.1:9000`,
    );
  };
  let url: URL;
  try {
    url = new URL(endpoint);
  } catch {
    return fail('not a URL');
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:')
    fail(`the scheme ${url.protocol} is not http: or https:`);
  if (url.username !== '' || url.password !== '')
    fail(
      'the URL has user info: give the credentials as s3AccessKeyId and s3SecretAccessKey instead, where they are kept out of logs and messages',
    );
  if (url.search !== '' || url.hash !== '') fail('the URL has a query or a fragment');
}

/**
 * The blob store the settings name: `LocalBlobStore` on `blobDir`, or `S3BlobStore` on the
 * service. The S3 SDK is imported only here and only for `s3`, so commands and servers on the
 * local store never load it. Throws {@link InvalidBlobStoreSettings}.
 *
 * ### Examples
 * ```ts
 * const blobs = await openBlobStore(config); // a Config is a BlobStoreSettings
 * const manifest = await blobs.get(parseS3Uri(uri)!, { maxBytes: 1_048_576 });
 * ```
 */
export async function openBlobStore(settings: BlobStoreSettings): Promise<BlobStore> {
  const checked = checkBlobStoreSettings(settings);
  if (checked.backend === 'local') return new LocalBlobStore(checked.root);
  const { S3BlobStore } = await import('./s3-blob-store.js');
  return new S3BlobStore(checked.options);
}
