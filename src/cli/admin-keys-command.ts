import type { Command } from 'commander';
import { catalog, voxError } from '../errors/index.js';
import { KeyAliasTaken } from '../keys/index.js';
import { withStorageOptions } from './common-options.js';
import { print, withRuntime } from './with-runtime.js';

/**
 * `voxgate admin keys create|list|enable|disable`: the local key service whose keys Voice ID
 * domains name in ServerSideEncryptionConfiguration.KmsKeyId (key id, key ARN or alias).
 */
export function registerAdminKeys(admin: Command): void {
  const cmd = admin
    .command('keys')
    .description('KMS-style keys for encryption at rest (Voice ID domains)');

  withStorageOptions(cmd.command('create').description('create a symmetric key'))
    .option('--alias <alias>', 'an alias, alias/<name>')
    .option('--description <text>', 'what the key is for')
    .option('--json', 'one JSON object on stdout: {"KeyId","Arn"}')
    .action((options: Record<string, unknown>) =>
      withRuntime(options, async (rt) => {
        try {
          const key = await rt.keys.create({
            alias: typeof options.alias === 'string' ? options.alias : undefined,
            description: typeof options.description === 'string' ? options.description : undefined,
          });
          print(
            options.json === true,
            { KeyId: key.keyId, Arn: key.arn, ...(key.alias ? { Alias: key.alias } : {}) },
            `${key.keyId}  ${key.arn}${key.alias ? `  ${key.alias}` : ''}`,
          );
        } catch (e) {
          if (e instanceof KeyAliasTaken || e instanceof RangeError)
            throw voxError(catalog.AdminBadRequest, { detail: e.message });
          throw e;
        }
      }),
    );

  withStorageOptions(cmd.command('list').description('list keys with their state'))
    .option('--json', 'one JSON object on stdout')
    .action((options: Record<string, unknown>) =>
      withRuntime(options, async (rt) => {
        const keys = (await rt.keys.list()).map((k) => ({
          KeyId: k.keyId,
          Arn: k.arn,
          Alias: k.alias,
          KeyState: k.state,
          CreationDate: k.createdAt.toISOString(),
        }));
        print(
          options.json === true,
          { Keys: keys },
          keys.map((k) => `${k.KeyId}  ${k.KeyState}  ${k.Alias ?? ''}`).join('\n') || '(no keys)',
        );
      }),
    );

  for (const [verb, enabled] of [
    ['enable', true],
    ['disable', false],
  ] as const) {
    withStorageOptions(
      cmd
        .command(`${verb} <keyId>`)
        .description(
          enabled
            ? 'enable a key (its domains become ACTIVE again)'
            : 'disable a key (its domains become SUSPENDED)',
        ),
    )
      .option('--json', 'one JSON object on stdout')
      .action((keyId: string, options: Record<string, unknown>) =>
        withRuntime(options, async (rt) => {
          const key = await rt.keys.resolve(keyId);
          if (!key || !(await rt.keys.setEnabled(key.keyId, enabled)))
            throw voxError(catalog.AdminNotFound, { resource: 'Key', id: keyId });
          print(
            options.json === true,
            { KeyId: key.keyId, KeyState: enabled ? 'Enabled' : 'Disabled' },
            `${key.keyId} ${enabled ? 'enabled' : 'disabled'}`,
          );
        }),
      );
  }
}
