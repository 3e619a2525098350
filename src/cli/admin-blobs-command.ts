import { readFile } from 'node:fs/promises';
import { Option, type Command } from 'commander';
import { parseS3Uri } from '../blobs/index.js';
import { CONFIG_OPTIONS, type ConfigKey } from '../config/index.js';
import { catalog, voxError } from '../errors/index.js';
import { withStorageOptions } from './common-options.js';
import { print, withRuntime } from './with-runtime.js';

/** The options that choose the blob store (the same table, hence the same names, as serve's). */
const BLOB_KEYS = [
  'blobBackend',
  'blobDir',
  's3Endpoint',
  's3Region',
  's3AccessKeyId',
  's3SecretAccessKey',
  's3ForcePathStyle',
] as const satisfies readonly ConfigKey[];

function withBlobOptions(command: Command): Command {
  for (const key of BLOB_KEYS) {
    const spec = CONFIG_OPTIONS[key];
    command.addOption(
      new Option(spec.flag, `${spec.description} (env ${spec.env}; default ${spec.defaultText})`),
    );
  }
  return command;
}

/**
 * `voxgate admin blobs put|get`: objects in the blob store that `s3://` URIs of the APIs name,
 * the local directory or the S3 service, whichever the configuration chooses (the server's own
 * factory, openBlobStore).
 */
export function registerAdminBlobs(admin: Command): void {
  const cmd = admin
    .command('blobs')
    .description('the blob store behind s3:// URIs (job manifests, audio, outputs)');
  withBlobOptions(
    withStorageOptions(
      cmd.command('put <s3uri> <file>').description('store a file as s3://bucket/key'),
    ),
  )
    .option('--json', 'one JSON object on stdout')
    .action((uri: string, file: string, options: Record<string, unknown>) =>
      withRuntime(options, async (rt) => {
        const target = parseS3Uri(uri);
        if (!target)
          throw voxError(catalog.AdminBadRequest, {
            detail: `'${uri}' is not s3://<bucket>/<key>`,
          });
        const bytes = await readFile(file);
        await rt.blobs.put(target, bytes);
        print(
          options.json === true,
          { uri, bytes: bytes.length },
          `stored ${bytes.length} bytes at ${uri}`,
        );
      }),
    );
  withBlobOptions(
    withStorageOptions(
      cmd.command('get <s3uri>').description('write the object at s3://bucket/key to stdout'),
    ),
  ).action((uri: string, options: Record<string, unknown>) =>
    withRuntime(options, async (rt) => {
      const target = parseS3Uri(uri);
      const bytes = target && (await rt.blobs.get(target));
      if (!bytes) throw voxError(catalog.AdminNotFound, { resource: 'Object', id: uri });
      process.stdout.write(bytes);
    }),
  );
}
