import type { FastifyInstance } from 'fastify';
import { SPEECH_APIS, type SpeechAccountsAdmin } from '../../speech/accounts/index.js';

const apis = { type: 'array', maxItems: 2, items: { type: 'string', enum: SPEECH_APIS } } as const;
const minutes = { type: 'number', minimum: 0 } as const;
const name = { type: 'string', minLength: 1, maxLength: 200 } as const;

const createClientBody = {
  type: 'object',
  required: ['name', 'minutes', 'apis'],
  additionalProperties: false,
  properties: { name, minutes, apis, active: { type: 'boolean' } },
} as const;

const updateClientBody = {
  type: 'object',
  minProperties: 1,
  additionalProperties: false,
  properties: { name, minutes, addMinutes: minutes, apis, active: { type: 'boolean' } },
} as const;

const createTokenBody = {
  type: ['object', 'null'],
  additionalProperties: false,
  properties: {
    expiresInSeconds: { type: 'integer', minimum: 1 },
    endUserId: { type: 'string', minLength: 1, maxLength: 128 },
    description: { type: 'string', maxLength: 256 },
  },
} as const;

const revokeBody = {
  type: 'object',
  required: ['token'],
  additionalProperties: false,
  properties: { token: { type: 'string', minLength: 1, maxLength: 4096 } },
} as const;

const usageQuery = {
  type: 'object',
  additionalProperties: false,
  properties: {
    from: { type: 'string' },
    to: { type: 'string' },
    endUserId: { type: 'string', maxLength: 128 },
  },
} as const;

interface ClientParams {
  Params: { clientId: string };
}
interface EndUserParams {
  Params: { clientId: string; endUserId: string };
}

/**
 * Speech API accounts under `/admin/v1/speech`: clients, end users, session tokens, usage. The
 * same operations as `voxgate admin clients|tokens`, over the same domain object, so both
 * answer the same JSON.
 *
 *   POST   /speech/clients                         {name, minutes, apis[, active]} → 201 client
 *   GET    /speech/clients                         → {clients}
 *   GET    /speech/clients/:clientId               → client
 *   PATCH  /speech/clients/:clientId               {name?, active?, apis?, minutes?, addMinutes?}
 *   GET    /speech/clients/:clientId/usage         ?from=YYYY-MM-DD&to=…&endUserId=… → usage
 *   PUT    /speech/clients/:clientId/end-users/:id → 201 created | 200 already there
 *   GET    /speech/clients/:clientId/end-users[/:id]
 *   DELETE /speech/clients/:clientId/end-users/:id
 *   POST   /speech/clients/:clientId/tokens        {expiresInSeconds?, endUserId?, description?}
 *   GET    /speech/clients/:clientId/tokens        → {tokens} (never the secrets)
 *   DELETE /speech/tokens/:tokenId                 revoke by id
 *   POST   /speech/tokens/revoke                   {token} revoke by the secret (kept out of URLs)
 */
export async function speechAdminRoutes(
  app: FastifyInstance,
  options: { admin: SpeechAccountsAdmin },
): Promise<void> {
  const admin = options.admin;

  app.post<{ Body: { name: string; minutes: number; apis: string[]; active?: boolean } }>(
    '/speech/clients',
    { schema: { body: createClientBody } },
    async (request, reply) => reply.code(201).send(await admin.createClient(request.body)),
  );
  app.get('/speech/clients', async () => ({ clients: await admin.listClients() }));
  app.get<ClientParams>('/speech/clients/:clientId', async (request) =>
    admin.getClient(request.params.clientId),
  );
  app.patch<
    ClientParams & {
      Body: {
        name?: string;
        active?: boolean;
        apis?: string[];
        minutes?: number;
        addMinutes?: number;
      };
    }
  >('/speech/clients/:clientId', { schema: { body: updateClientBody } }, async (request) =>
    admin.updateClient(request.params.clientId, request.body),
  );
  app.get<ClientParams & { Querystring: { from?: string; to?: string; endUserId?: string } }>(
    '/speech/clients/:clientId/usage',
    { schema: { querystring: usageQuery } },
    async (request) => {
      const { from, to, endUserId } = request.query;
      return admin.usage(request.params.clientId, {
        ...(from !== undefined && { from }),
        ...(to !== undefined && { to }),
        // `endUserId=` (empty): the requests that named no end user.
        ...(endUserId !== undefined && { endUserId: endUserId === '' ? null : endUserId }),
      });
    },
  );

  app.put<EndUserParams>(
    '/speech/clients/:clientId/end-users/:endUserId',
    async (request, reply) => {
      const { endUser, created } = await admin.addEndUser(
        request.params.clientId,
        request.params.endUserId,
      );
      return reply.code(created ? 201 : 200).send({ ...endUser, created });
    },
  );
  app.get<ClientParams>('/speech/clients/:clientId/end-users', async (request) => ({
    endUsers: await admin.listEndUsers(request.params.clientId),
  }));
  app.get<EndUserParams>('/speech/clients/:clientId/end-users/:endUserId', async (request) => {
    const { clientId, endUserId } = request.params;
    const endUser = await admin.getEndUser(clientId, endUserId);
    return { ...endUser, usage: (await admin.usage(clientId, { endUserId })).total };
  });
  app.delete<EndUserParams>('/speech/clients/:clientId/end-users/:endUserId', async (request) => {
    const { clientId, endUserId } = request.params;
    await admin.removeEndUser(clientId, endUserId);
    return { clientId, endUserId, removed: true };
  });

  app.post<
    ClientParams & {
      Body: { expiresInSeconds?: number; endUserId?: string; description?: string } | null;
    }
  >(
    '/speech/clients/:clientId/tokens',
    { schema: { body: createTokenBody } },
    async (request, reply) =>
      reply.code(201).send(await admin.createToken(request.params.clientId, request.body ?? {})),
  );
  app.get<ClientParams>('/speech/clients/:clientId/tokens', async (request) => ({
    tokens: await admin.listTokens(request.params.clientId),
  }));
  app.delete<{ Params: { tokenId: string } }>('/speech/tokens/:tokenId', async (request) =>
    admin.revokeToken(request.params.tokenId),
  );
  app.post<{ Body: { token: string } }>(
    '/speech/tokens/revoke',
    { schema: { body: revokeBody } },
    async (request) => admin.revokeToken(request.body.token),
  );
}
