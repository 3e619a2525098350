import type { Command } from 'commander';
import type { SessionTokenInfo } from '../speech/accounts/index.js';
import { withStorageOptions } from './common-options.js';
import { print, withRuntime } from './with-runtime.js';

/**
 * `voxgate admin tokens create|list|revoke`: speech API session tokens. The secret is printed
 * once, by `create`; only its hash is stored.
 */
export function registerAdminTokens(admin: Command): void {
  const tokens = admin.command('tokens').description('speech API session tokens of clients');

  withStorageOptions(
    tokens.command('create').description('issue a session token (printed once, never again)'),
  )
    .requiredOption('--client <clientId>', 'the client the token is for')
    .option('--expires-in <seconds>', 'lifetime in seconds (default: until revoked)')
    .option('--end-user <endUserId>', 'bind the token to one end user of the client')
    .option('--description <text>', 'what the token is for')
    .option('--json', 'one JSON object on stdout: {"token","tokenId",…}')
    .action((options: Record<string, unknown>) =>
      withRuntime(options, async (rt) => {
        const created = await rt.speechAccounts.admin.createToken(String(options.client), {
          ...(options.expiresIn !== undefined && {
            expiresInSeconds: Number(options.expiresIn),
          }),
          ...(typeof options.endUser === 'string' && { endUserId: options.endUser }),
          ...(typeof options.description === 'string' && { description: options.description }),
        });
        print(options.json === true, created, created.token);
      }),
    );

  withStorageOptions(tokens.command('list').description("list a client's tokens (no secrets)"))
    .requiredOption('--client <clientId>', 'the client')
    .option('--json', 'one JSON object on stdout: {"tokens"}')
    .action((options: Record<string, unknown>) =>
      withRuntime(options, async (rt) => {
        const all = await rt.speechAccounts.admin.listTokens(String(options.client));
        print(
          options.json === true,
          { tokens: all },
          all.map(describe).join('\n') || '(no tokens)',
        );
      }),
    );

  withStorageOptions(
    tokens
      .command('revoke <tokenOrId>')
      .description('revoke a token, named by its id (vxt_…) or by the token itself (vxs_…)'),
  )
    .option('--json', 'one JSON object on stdout: the token as revoked')
    .action((tokenOrId: string, options: Record<string, unknown>) =>
      withRuntime(options, async (rt) => {
        const revoked = await rt.speechAccounts.admin.revokeToken(tokenOrId);
        print(options.json === true, revoked, `revoked ${revoked.tokenId}`);
      }),
    );
}

function describe(t: SessionTokenInfo): string {
  const expiry = t.expiresAt ? `  expires ${t.expiresAt}` : '';
  const endUser = t.endUserId ? `  end user ${t.endUserId}` : '';
  return `${t.tokenId}  ${t.status}  created ${t.createdAt}${expiry}${endUser}  ${t.description ?? ''}`;
}
