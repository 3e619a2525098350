import websocket from '@fastify/websocket';
import type { FastifyInstance } from 'fastify';

/**
 * WebSocket support for every door, registered once on the root server: each registration of
 * @fastify/websocket adds its own `upgrade` listener, and two would route every upgrade twice.
 * `maxPayload` is the largest message any door accepts (ws closes a socket sending more with
 * 1009); a door wanting less checks its own messages.
 *
 * ### Examples
 * ```ts
 * await registerWebSockets(app, 1 << 20);
 * await app.register(speechDoor, options); // its routes have a wsHandler
 * ```
 */
export async function registerWebSockets(app: FastifyInstance, maxPayload: number): Promise<void> {
  await app.register(websocket, {
    options: { maxPayload },
    // Frame errors (too big, bad UTF-8, no mask) are the client's: ws closes the socket with
    // the right code by itself; nothing for the server's error log.
    errorHandler: (error, _socket, request) =>
      request.log.info({ err: error }, 'WebSocket closed on a protocol error'),
  });
}
