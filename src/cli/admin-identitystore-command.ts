import type { Command } from 'commander';
import { withRuntime, print } from './with-runtime.js';
import { withStorageOptions } from './common-options.js';

/** `voxgate admin identitystore create|list`: the AWS API has no call to create a store. */
export function registerAdminIdentityStore(admin: Command): void {
  const cmd = admin
    .command('identitystore')
    .description('identity stores of the Identity Store API');

  withStorageOptions(
    cmd.command('create').description('create an identity store (prints its d-xxxxxxxxxx id)'),
  )
    .option('--json', 'one JSON object on stdout: {"IdentityStoreId"}')
    .action((options: Record<string, unknown>) =>
      withRuntime(options, async (rt) => {
        const id = await rt.identityStore.createStore(new Date());
        print(options.json === true, { IdentityStoreId: id }, id);
      }),
    );

  withStorageOptions(
    cmd.command('list').description('list identity stores with their user and group counts'),
  )
    .option('--json', 'one JSON object on stdout')
    .action((options: Record<string, unknown>) =>
      withRuntime(options, async (rt) => {
        const stores = (await rt.identityStore.listStores()).map((s) => ({
          ...s,
          createdAt: new Date(s.createdAt).toISOString(),
        }));
        print(
          options.json === true,
          { identityStores: stores },
          stores
            .map(
              (s) =>
                `${s.storeId}  users ${s.userCount}  groups ${s.groupCount}  created ${s.createdAt}`,
            )
            .join('\n') || '(no identity stores)',
        );
      }),
    );
}
