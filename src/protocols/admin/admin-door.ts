import type { FastifyInstance } from 'fastify';
import type { AccessKeys, AdminToken } from '../../credentials/index.js';
import type { IdentityStore } from '../../identitystore/index.js';
import type { SpeechAccountsAdmin } from '../../speech/accounts/index.js';
import { catalog, voxError } from '../../errors/index.js';
import { plainErrorHandler } from '../http/render-plain-error.js';
import { identityStoreAdminRoutes } from './identitystore-admin-routes.js';
import { speechAdminRoutes } from './speech-admin-routes.js';

export interface AdminDoorOptions {
  readonly accessKeys: AccessKeys;
  readonly adminToken: AdminToken;
  readonly identityStore: IdentityStore;
  readonly speechAccounts: SpeechAccountsAdmin;
  readonly maxBodyBytes: number;
}

const BEARER = /^Bearer\s+(\S+)$/i;

const accessKeyView = (k: {
  accessKeyId: string;
  description: string | null;
  createdAt: Date;
  revokedAt: Date | null;
}) => ({
  accessKeyId: k.accessKeyId,
  description: k.description,
  createdAt: k.createdAt.toISOString(),
  revokedAt: k.revokedAt?.toISOString() ?? null,
});

/**
 * The admin API under `/admin/v1`, authenticated with the admin token (`Authorization: Bearer`).
 * The same operations as `voxgate admin …`, over the same domain code.
 */
export async function adminDoor(app: FastifyInstance, options: AdminDoorOptions): Promise<void> {
  app.setErrorHandler(plainErrorHandler(options.maxBodyBytes));

  app.addHook('onRequest', async (request) => {
    request.labels.api = 'admin';
    const header = request.headers.authorization;
    if (!header) throw voxError(catalog.AdminTokenRequired);
    const token = BEARER.exec(header)?.[1];
    if (!token || !(await options.adminToken.verify(token)))
      throw voxError(catalog.AdminTokenInvalid);
  });

  await app.register(identityStoreAdminRoutes, { identityStore: options.identityStore });
  await app.register(speechAdminRoutes, { admin: options.speechAccounts });

  app.get('/credentials', async () => ({
    accessKeys: (await options.accessKeys.list()).map(accessKeyView),
  }));

  app.post<{ Body: { description?: string } | undefined }>(
    '/credentials',
    {
      bodyLimit: options.maxBodyBytes,
      schema: {
        body: {
          type: ['object', 'null'],
          properties: { description: { type: 'string', maxLength: 256 } },
          additionalProperties: false,
        },
      },
    },
    async (request, reply) => {
      const key = await options.accessKeys.create(request.body?.description ?? null);
      return reply.code(201).send({ ...accessKeyView(key), secretAccessKey: key.secretAccessKey });
    },
  );

  app.delete<{ Params: { accessKeyId: string } }>('/credentials/:accessKeyId', async (request) => {
    const { accessKeyId } = request.params;
    if (!(await options.accessKeys.revoke(accessKeyId))) {
      throw voxError(catalog.AdminNotFound, { resource: 'Active access key', id: accessKeyId });
    }
    return { accessKeyId, revoked: true };
  });
}
