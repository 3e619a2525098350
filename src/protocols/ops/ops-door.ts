import type { FastifyInstance } from 'fastify';
import { catalog, voxError } from '../../errors/index.js';
import type { ServerMetrics } from './metrics.js';

/** A dependency `/ready` checks: storage, engines. Resolves when reachable, throws otherwise. */
export interface ReadinessCheck {
  readonly name: string;
  check(): Promise<void>;
}

export interface OpsDoorOptions {
  readonly metrics: ServerMetrics;
  readonly readiness: readonly ReadinessCheck[];
}

/**
 * Operational routes: `GET /health` (the process answers), `GET /ready` (storage and engines
 * reachable), `GET /metrics` (Prometheus text format).
 */
export async function opsDoor(app: FastifyInstance, options: OpsDoorOptions): Promise<void> {
  app.addHook('onRequest', async (request) => {
    request.labels.api = 'ops';
  });

  app.get('/health', async () => ({ status: 'ok' }));

  app.get('/ready', async () => {
    const checks: Record<string, string> = {};
    for (const dependency of options.readiness) {
      try {
        await dependency.check();
        checks[dependency.name] = 'ok';
      } catch (e) {
        throw voxError(catalog.NotReady, { detail: `${dependency.name}: ${(e as Error).message}` });
      }
    }
    return { status: 'ready', checks };
  });

  app.get('/metrics', async (_request, reply) => {
    return reply
      .type(options.metrics.registry.contentType)
      .send(await options.metrics.registry.metrics());
  });
}
