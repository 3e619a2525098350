/**
 * The baseline for bench/identitystore-bench.ts: Fastify with nothing but one JSON route, so the
 * benchmark can tell what Voxgate adds (SigV4, validation, storage) on top of the framework.
 * Listens on 127.0.0.1 port 0 and prints `{"event":"listening","port":N}` like `voxgate serve`.
 */
import Fastify from 'fastify';

interface EchoBody {
  readonly [key: string]: unknown;
}

async function main(): Promise<void> {
  const app = Fastify({ logger: false });
  app.post<{ Body: EchoBody }>('/', async (request) => ({
    ok: true,
    fields: Object.keys(request.body ?? {}).length,
  }));
  await app.listen({ host: '127.0.0.1', port: 0 });
  const address = app.server.address();
  if (address === null || typeof address === 'string') throw new Error('no TCP address');
  process.stdout.write(JSON.stringify({ event: 'listening', port: address.port }) + '\n');

  const stop = (): void => {
    void app.close().then(() => process.exit(0));
  };
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
