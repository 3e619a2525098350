import type { FastifyInstance } from 'fastify';
import type { IdentityStore } from '../../identitystore/index.js';

const externalIdsBody = {
  type: 'object',
  required: ['externalIds'],
  additionalProperties: false,
  properties: {
    externalIds: {
      type: 'array',
      maxItems: 10,
      items: {
        type: 'object',
        required: ['issuer', 'id'],
        additionalProperties: false,
        properties: {
          issuer: { type: 'string', minLength: 1, maxLength: 256 },
          id: { type: 'string', minLength: 1, maxLength: 256 },
        },
      },
    },
  },
} as const;

interface ExternalIdsRoute {
  Params: { storeId: string; id: string };
  Body: { externalIds: { issuer: string; id: string }[] };
}

/**
 * Identity stores (the AWS API has no call to create one) and external ids (written by IdP
 * sync in AWS; here by the operator), under `/admin/v1/identitystores`.
 */
export async function identityStoreAdminRoutes(
  app: FastifyInstance,
  options: { identityStore: IdentityStore },
): Promise<void> {
  const store = options.identityStore;
  app.post('/identitystores', async (_request, reply) =>
    reply.code(201).send({ IdentityStoreId: await store.createStore(new Date()) }),
  );
  app.get('/identitystores', async () => ({
    identityStores: (await store.listStores()).map((s) => ({
      ...s,
      createdAt: new Date(s.createdAt).toISOString(),
    })),
  }));

  for (const kind of ['users', 'groups'] as const) {
    app.put<ExternalIdsRoute>(
      `/identitystores/:storeId/${kind}/:id/external-ids`,
      { schema: { body: externalIdsBody } },
      async (request) => {
        const { storeId, id } = request.params;
        const op = {
          path: ['externalIds'],
          wirePath: 'externalIds',
          value: request.body.externalIds.length > 0 ? request.body.externalIds : undefined,
        };
        const actor = { principal: 'admin', now: new Date() };
        if (kind === 'users') await store.updateUser(actor, storeId, id, [op]);
        else await store.updateGroup(actor, storeId, id, [op]);
        return { externalIds: request.body.externalIds };
      },
    );
  }
}
