import type { Command } from 'commander';
import { catalog, voxError } from '../errors/index.js';
import type { SpeechClient, UpdateClientInput } from '../speech/accounts/index.js';
import { withStorageOptions } from './common-options.js';
import { print, withRuntime } from './with-runtime.js';

/**
 * `voxgate admin clients create|update|list|show|usage|end-users|add-end-user|remove-end-user`:
 * speech API clients, their minutes and end users. Works while the server runs on the same data.
 */
export function registerAdminClients(admin: Command): void {
  const clients = admin
    .command('clients')
    .description('speech API clients: access, minutes, end users and usage');

  withStorageOptions(clients.command('create').description('create a client'))
    .requiredOption('--name <name>', 'who the client is')
    .requiredOption('--minutes <minutes>', 'starting balance in minutes (fractions allowed)')
    .requiredOption('--apis <list>', 'APIs it may use, comma-separated: scripted,unscripted')
    .option('--inactive', 'create it inactive (requests fail with ClientIsNotActive)')
    .option('--json', 'one JSON object on stdout: the client, with its clientId')
    .action((options: Record<string, unknown>) =>
      withRuntime(options, async (rt) => {
        const client = await rt.speechAccounts.admin.createClient({
          name: String(options.name),
          minutes: String(options.minutes),
          apis: apiList(options.apis),
          active: options.inactive !== true,
        });
        print(options.json === true, client, client.clientId);
      }),
    );

  withStorageOptions(
    clients
      .command('update <clientId>')
      .description('change a client: activate or deactivate, set or add minutes, APIs, name'),
  )
    .option('--active <true|false>', 'whether requests are accepted')
    .option('--minutes <minutes>', 'set the remaining balance, in minutes')
    .option('--add-minutes <minutes>', 'add to the remaining balance (a top-up)')
    .option('--apis <list>', 'APIs it may use, comma-separated ("" for none)')
    .option('--name <name>', 'a new name')
    .option('--json', 'one JSON object on stdout: the client as updated')
    .action((clientId: string, options: Record<string, unknown>) =>
      withRuntime(options, async (rt) => {
        const change: UpdateClientInput = {
          ...(options.active !== undefined && { active: flag(options.active, '--active') }),
          ...(typeof options.minutes === 'string' && { minutes: options.minutes }),
          ...(typeof options.addMinutes === 'string' && { addMinutes: options.addMinutes }),
          ...(options.apis !== undefined && { apis: apiList(options.apis) }),
          ...(typeof options.name === 'string' && { name: options.name }),
        };
        if (Object.keys(change).length === 0)
          throw voxError(catalog.AdminBadRequest, {
            detail: 'nothing to change: give --active, --minutes, --add-minutes, --apis or --name',
          });
        const client = await rt.speechAccounts.admin.updateClient(clientId, change);
        print(options.json === true, client, describe(client));
      }),
    );

  withStorageOptions(clients.command('list').description('list clients with their balances'))
    .option('--json', 'one JSON object on stdout: {"clients"}')
    .action((options: Record<string, unknown>) =>
      withRuntime(options, async (rt) => {
        const all = await rt.speechAccounts.admin.listClients();
        print(
          options.json === true,
          { clients: all },
          all.map(describe).join('\n') || '(no clients)',
        );
      }),
    );

  withStorageOptions(
    clients.command('show <clientId>').description('one client with its all-time usage'),
  )
    .option('--json', 'one JSON object on stdout: the client and "usage"')
    .action((clientId: string, options: Record<string, unknown>) =>
      withRuntime(options, async (rt) => {
        const client = await rt.speechAccounts.admin.getClient(clientId);
        const usage = (await rt.speechAccounts.admin.usage(clientId)).total;
        print(
          options.json === true,
          { ...client, usage },
          `${describe(client)}\nusage: ${usage.requests} requests, ${usage.minutes} minutes charged`,
        );
      }),
    );

  withStorageOptions(
    clients
      .command('usage <clientId>')
      .description('charged usage by end user and by day (UTC days, inclusive)'),
  )
    .option('--from <day>', 'first day, YYYY-MM-DD')
    .option('--to <day>', 'last day, YYYY-MM-DD')
    .option('--end-user <endUserId>', 'only this end user')
    .option('--json', 'one JSON object on stdout')
    .action((clientId: string, options: Record<string, unknown>) =>
      withRuntime(options, async (rt) => {
        const usage = await rt.speechAccounts.admin.usage(clientId, {
          ...(typeof options.from === 'string' && { from: options.from }),
          ...(typeof options.to === 'string' && { to: options.to }),
          ...(typeof options.endUser === 'string' && { endUserId: options.endUser }),
        });
        print(
          options.json === true,
          usage,
          [
            `total: ${usage.total.requests} requests, ${usage.total.minutes} minutes`,
            ...usage.byEndUser.map(
              (u) =>
                `  ${u.endUserId ?? '(no end user)'}: ${u.requests} requests, ${u.minutes} min`,
            ),
            ...usage.byDay.map(
              (d) => `  ${d.day} ${d.api}: ${d.requests} requests, ${d.minutes} min`,
            ),
          ].join('\n'),
        );
      }),
    );

  withStorageOptions(
    clients.command('end-users <clientId>').description("list a client's end users"),
  )
    .option('--json', 'one JSON object on stdout: {"endUsers"}')
    .action((clientId: string, options: Record<string, unknown>) =>
      withRuntime(options, async (rt) => {
        const endUsers = await rt.speechAccounts.admin.listEndUsers(clientId);
        print(
          options.json === true,
          { endUsers },
          endUsers.map((u) => `${u.endUserId}  created ${u.createdAt}`).join('\n') ||
            '(no end users)',
        );
      }),
    );

  withStorageOptions(
    clients
      .command('add-end-user <clientId> <endUserId>')
      .description('add an end user (the id is yours, e.g. your app user id); idempotent'),
  )
    .option('--json', 'one JSON object on stdout')
    .action((clientId: string, endUserId: string, options: Record<string, unknown>) =>
      withRuntime(options, async (rt) => {
        const { endUser, created } = await rt.speechAccounts.admin.addEndUser(clientId, endUserId);
        print(
          options.json === true,
          { ...endUser, created },
          `${created ? 'added' : 'already there:'} ${endUserId}`,
        );
      }),
    );

  withStorageOptions(
    clients
      .command('remove-end-user <clientId> <endUserId>')
      .description('remove an end user (requests naming it then fail); its usage stays'),
  )
    .option('--json', 'one JSON object on stdout')
    .action((clientId: string, endUserId: string, options: Record<string, unknown>) =>
      withRuntime(options, async (rt) => {
        await rt.speechAccounts.admin.removeEndUser(clientId, endUserId);
        print(
          options.json === true,
          { clientId, endUserId, removed: true },
          `removed ${endUserId}`,
        );
      }),
    );
}

function describe(c: SpeechClient): string {
  return `${c.clientId}  ${c.active ? 'active' : 'inactive'}  apis ${c.apis.join(',') || '(none)'}  ${c.minutes} min left  ${c.usedMinutes} min used  ${c.name}`;
}

/** `scripted,unscripted` → the list ("" is none); the domain checks the names. */
function apiList(value: unknown): string[] {
  return String(value)
    .split(',')
    .map((a) => a.trim())
    .filter((a) => a !== '');
}

function flag(value: unknown, name: string): boolean {
  if (value === 'true') return true;
  if (value === 'false') return false;
  throw voxError(catalog.AdminBadRequest, {
    detail: `${name} must be true or false, got ${JSON.stringify(value)}`,
  });
}
