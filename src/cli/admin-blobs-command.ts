import { readFile } from 'node:fs/promises';
import type { Command } from 'commander';
import { parseS3Uri } from '../blobs/index.js';
import { catalog, voxError } from '../errors/index.js';
import { withStorageOptions } from './common-options.js';
import { print, withRuntime } from './with-runtime.js';

/** `voxgate admin blobs put|get`: files in the blob store that `s3://` URIs of the APIs name. */
export function registerAdminBlobs(admin: Command): void {
  const cmd = admin
    .command('blobs')
    .description('the blob store behind s3:// URIs (job manifests, audio, outputs)');
  withStorageOptions(
    cmd.command('put <s3uri> <file>').description('store a file as s3://bucket/key'),
  )
    .option(
      '--blob-dir <dir>',
      'the blob store directory (env VOXGATE_BLOB_DIR; default <data-dir>/blobs)',
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
  withStorageOptions(
    cmd.command('get <s3uri>').description('write the object at s3://bucket/key to stdout'),
  )
    .option(
      '--blob-dir <dir>',
      'the blob store directory (env VOXGATE_BLOB_DIR; default <data-dir>/blobs)',
    )
    .action((uri: string, options: Record<string, unknown>) =>
      withRuntime(options, async (rt) => {
        const target = parseS3Uri(uri);
        const bytes = target && (await rt.blobs.get(target));
        if (!bytes) throw voxError(catalog.AdminNotFound, { resource: 'Object', id: uri });
        process.stdout.write(bytes);
      }),
    );
}
