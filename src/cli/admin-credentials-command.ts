import type { Command } from 'commander';
import { catalog, voxError } from '../errors/index.js';
import { withStorageOptions } from './common-options.js';
import { print, withRuntime } from './with-runtime.js';

/** `voxgate admin credentials [show|create|list|revoke]`. Works while the server runs on the same data. */
export function registerAdminCredentials(admin: Command): void {
  const credentials = admin
    .command('credentials')
    .description('admin token and AWS access key pairs');

  withStorageOptions(
    credentials
      .command('show', { isDefault: true })
      .description('show the admin token and every active access key pair with its secret'),
  )
    .option('--json', 'one JSON object on stdout')
    .action((options: Record<string, unknown>) =>
      withRuntime(options, async (rt) => {
        const adminToken = await rt.adminToken.reveal();
        const keys = (await rt.accessKeys.listWithSecrets()).filter((k) => k.revokedAt === null);
        const accessKeys = keys.map((k) => ({
          accessKeyId: k.accessKeyId,
          secretAccessKey: k.secretAccessKey,
          description: k.description,
        }));
        print(
          options.json === true,
          { adminToken, accessKeys },
          [
            `admin token: ${adminToken}`,
            ...accessKeys.map(
              (k) =>
                `access key:  ${k.accessKeyId}  secret: ${k.secretAccessKey}${k.description ? `  (${k.description})` : ''}`,
            ),
          ].join('\n'),
        );
      }),
    );

  withStorageOptions(credentials.command('create').description('create an AWS access key pair'))
    .option('--description <text>', 'what the key is for')
    .option('--json', 'one JSON object on stdout: {"accessKeyId","secretAccessKey"}')
    .action((options: Record<string, unknown>) =>
      withRuntime(options, async (rt) => {
        const key = await rt.accessKeys.create(
          typeof options.description === 'string' ? options.description : null,
        );
        print(
          options.json === true,
          { accessKeyId: key.accessKeyId, secretAccessKey: key.secretAccessKey },
          `access key id:     ${key.accessKeyId}\nsecret access key: ${key.secretAccessKey}`,
        );
      }),
    );

  withStorageOptions(credentials.command('list').description('list access keys (no secrets)'))
    .option('--json', 'one JSON object on stdout')
    .action((options: Record<string, unknown>) =>
      withRuntime(options, async (rt) => {
        const keys = (await rt.accessKeys.list()).map((k) => ({
          accessKeyId: k.accessKeyId,
          description: k.description,
          createdAt: k.createdAt.toISOString(),
          revokedAt: k.revokedAt?.toISOString() ?? null,
        }));
        print(
          options.json === true,
          { accessKeys: keys },
          keys
            .map(
              (k) =>
                `${k.accessKeyId}  ${k.revokedAt ? `revoked ${k.revokedAt}` : 'active'}  created ${k.createdAt}  ${k.description ?? ''}`,
            )
            .join('\n') || '(no access keys)',
        );
      }),
    );

  withStorageOptions(
    credentials
      .command('revoke <accessKeyId>')
      .description('revoke an access key; requests signed with it fail within seconds'),
  )
    .option('--json', 'one JSON object on stdout')
    .action((accessKeyId: string, options: Record<string, unknown>) =>
      withRuntime(options, async (rt) => {
        if (!(await rt.accessKeys.revoke(accessKeyId)))
          throw voxError(catalog.AdminNotFound, { resource: 'Active access key', id: accessKeyId });
        print(options.json === true, { accessKeyId, revoked: true }, `revoked ${accessKeyId}`);
      }),
    );
}
