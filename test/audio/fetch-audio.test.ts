/**
 * `fetchAudio` against real HTTP servers on 127.0.0.1 (reachable only through the allow-list):
 * redirects, loops, slow and silent servers, oversized bodies, HTTP errors, refused addresses.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import net, { type AddressInfo } from 'node:net';
import {
  AudioLimitExceeded,
  DEFAULT_AUDIO_LIMITS,
  DEFAULT_FETCH_POLICY,
  decodeAudio,
  fetchAudio,
  type FetchPolicy,
} from '../../src/audio/index.js';
import { floatWav, rejectsWith, sine } from './audio-fixtures.js';

const LOCAL: FetchPolicy = { ...DEFAULT_FETCH_POLICY, allow: ['127.0.0.1/32'], timeoutMs: 5000 };
const WAV = floatWav(sine(16000, 440, 0.25), 16000);

interface TestServer {
  readonly base: string;
  /** Requests received, by path. */
  readonly requests: string[];
  /** Connections the server saw closed by the client before the response finished. */
  readonly cutOff: string[];
}

/** Runs `work` against a fresh server on 127.0.0.1 answering `routes`, then closes it. */
async function withServer(
  routes: Record<string, (req: http.IncomingMessage, res: http.ServerResponse) => void>,
  work: (server: TestServer) => Promise<void>,
): Promise<void> {
  const requests: string[] = [];
  const cutOff: string[] = [];
  const server = http.createServer((req, res) => {
    const path = req.url ?? '/';
    requests.push(path);
    res.on('close', () => {
      if (!res.writableFinished) cutOff.push(path);
    });
    const route = routes[path.replace(/\?.*$/, '')];
    if (route === undefined) {
      res.writeHead(404).end('not found');
      return;
    }
    route(req, res);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  try {
    await work({ base: `http://127.0.0.1:${port}`, requests, cutOff });
  } finally {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
}

const serveWav = (_req: http.IncomingMessage, res: http.ServerResponse): void => {
  res.writeHead(200, { 'content-type': 'audio/wav', 'content-length': WAV.length }).end(WAV);
};
const redirectTo =
  (location: string, status = 302) =>
  (_req: http.IncomingMessage, res: http.ServerResponse): void => {
    res.writeHead(status, { location }).end();
  };

describe('fetchAudio', () => {
  test('downloads from an allowed address and the bytes decode', async () => {
    await withServer({ '/a.wav': serveWav }, async ({ base }) => {
      const bytes = await fetchAudio(`${base}/a.wav`, DEFAULT_AUDIO_LIMITS, LOCAL);
      assert.deepEqual(bytes, WAV);
      const audio = await decodeAudio(bytes, { limits: DEFAULT_AUDIO_LIMITS });
      assert.equal(audio.samples.length, 4000);
    });
  });

  test('loopback is refused without the allow-list, before any connection', async () => {
    await withServer({ '/a.wav': serveWav }, async ({ base, requests }) => {
      await rejectsWith(
        fetchAudio(`${base}/a.wav`, DEFAULT_AUDIO_LIMITS),
        'FailedToReadAudioFromURL',
      );
      const port = new URL(base).port;
      await rejectsWith(
        fetchAudio(`http://[::ffff:127.0.0.1]:${port}/a.wav`, DEFAULT_AUDIO_LIMITS),
        'FailedToReadAudioFromURL',
      );
      await rejectsWith(
        fetchAudio(`http://localhost:${port}/a.wav`, DEFAULT_AUDIO_LIMITS),
        'FailedToReadAudioFromURL',
      );
      assert.deepEqual(requests, []);
    });
  });

  test('a host name on the allow-list is resolved and reached', async () => {
    await withServer({ '/a.wav': serveWav }, async ({ base }) => {
      const url = `http://localhost:${new URL(base).port}/a.wav`;
      const bytes = await fetchAudio(url, DEFAULT_AUDIO_LIMITS, { ...LOCAL, allow: ['localhost'] });
      assert.deepEqual(bytes, WAV);
    });
  });

  test('redirects are followed up to maxRedirects, each hop checked again', async () => {
    await withServer(
      {
        '/a.wav': serveWav,
        '/1': redirectTo('/a.wav', 301),
        '/2': redirectTo('/1', 307),
        '/3': redirectTo('/2', 308),
        '/loop': redirectTo('/loop'),
        '/private': redirectTo('http://10.255.255.1/a.wav'),
        '/file': redirectTo('file:///etc/passwd'),
      },
      async ({ base, requests }) => {
        const policy = { ...LOCAL, maxRedirects: 2 };
        assert.deepEqual(await fetchAudio(`${base}/2`, DEFAULT_AUDIO_LIMITS, policy), WAV);
        await rejectsWith(
          fetchAudio(`${base}/3`, DEFAULT_AUDIO_LIMITS, policy),
          'FailedToReadAudioFromURL',
        );
        requests.length = 0;
        await rejectsWith(
          fetchAudio(`${base}/loop`, DEFAULT_AUDIO_LIMITS, LOCAL),
          'FailedToReadAudioFromURL',
        );
        assert.equal(requests.length, LOCAL.maxRedirects + 1);
        const started = Date.now();
        await rejectsWith(
          fetchAudio(`${base}/private`, DEFAULT_AUDIO_LIMITS, LOCAL),
          'FailedToReadAudioFromURL',
        );
        assert.ok(Date.now() - started < 1000, 'refused without trying to connect');
        await rejectsWith(
          fetchAudio(`${base}/file`, DEFAULT_AUDIO_LIMITS, LOCAL),
          'FailedToReadAudioFromURL',
        );
      },
    );
  });

  test('a server too slow to finish, or that never answers, hits the total timeout', async () => {
    await withServer(
      {
        '/slow': (_req, res) => {
          res.writeHead(200, { 'content-length': 100_000 });
          const drip = setInterval(() => res.write('x'), 50);
          res.on('close', () => clearInterval(drip));
        },
        '/silent': () => undefined,
      },
      async ({ base }) => {
        const policy = { ...LOCAL, timeoutMs: 400 };
        for (const path of ['/slow', '/silent']) {
          const started = Date.now();
          await rejectsWith(
            fetchAudio(`${base}${path}`, DEFAULT_AUDIO_LIMITS, policy),
            'FailedToReadAudioFromURL',
          );
          const took = Date.now() - started;
          assert.ok(took >= 350 && took < 2000, `${path} took ${took} ms`);
        }
      },
    );
  });

  test('a body over maxBytes stops the download: AudioLimitExceeded', async () => {
    const limits = { ...DEFAULT_AUDIO_LIMITS, maxBytes: 10_000 };
    await withServer(
      {
        '/declared': (_req, res) =>
          res.writeHead(200, { 'content-length': 50_000 }).end(new Uint8Array(50_000)),
        '/streamed': (_req, res) => {
          res.writeHead(200); // chunked: no length announced
          let sent = 0;
          const pump = setInterval(() => {
            res.write(new Uint8Array(4096));
            if ((sent += 4096) > 1_000_000) res.end();
          }, 5);
          res.on('close', () => clearInterval(pump));
        },
      },
      async ({ base, cutOff }) => {
        for (const path of ['/declared', '/streamed']) {
          await assert.rejects(fetchAudio(`${base}${path}`, limits, LOCAL), (e: unknown) => {
            assert.ok(e instanceof AudioLimitExceeded, String(e));
            assert.equal(e.limit, 'maxBytes');
            assert.equal(e.maximum, 10_000);
            return true;
          });
        }
        await new Promise((resolve) => setTimeout(resolve, 100));
        assert.ok(cutOff.includes('/streamed'), 'the streamed body was not read to its end');
      },
    );
  });

  test('HTTP errors, empty bodies and unsupported URLs are FailedToReadAudioFromURL', async () => {
    await withServer(
      {
        '/empty': (_req, res) => res.writeHead(200).end(),
        '/error': (_req, res) => res.writeHead(500).end('boom'),
      },
      async ({ base }) => {
        for (const url of [
          `${base}/missing.wav`,
          `${base}/empty`,
          `${base}/error`,
          'ftp://127.0.0.1/a.wav',
          'file:///etc/passwd',
          'not a url',
        ])
          await rejectsWith(
            fetchAudio(url, DEFAULT_AUDIO_LIMITS, LOCAL),
            'FailedToReadAudioFromURL',
          );
        await assert.rejects(
          fetchAudio(`${base}/missing.wav`, DEFAULT_AUDIO_LIMITS, LOCAL),
          (e: Error) => {
            assert.match(String((e.cause as Error).message), /HTTP 404/);
            return true;
          },
        );
      },
    );
  });

  test('a connection that never completes (no TLS handshake) fails at the connect timeout', async () => {
    // Accepts TCP and then says nothing, so https never gets past the handshake.
    const sockets: net.Socket[] = [];
    const server = net.createServer((socket) => sockets.push(socket));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    try {
      const started = Date.now();
      await assert.rejects(
        fetchAudio(`https://127.0.0.1:${port}/a.wav`, DEFAULT_AUDIO_LIMITS, {
          ...LOCAL,
          connectTimeoutMs: 300,
        }),
        (e: Error) => {
          assert.equal(e.name, 'FailedToReadAudioFromURL');
          assert.match(String((e.cause as Error).message), /could not connect within 300 ms/);
          return true;
        },
      );
      const took = Date.now() - started;
      assert.ok(took >= 250 && took < 3000, `took ${took} ms`);
    } finally {
      for (const socket of sockets) socket.destroy();
      await new Promise((resolve) => server.close(resolve));
    }
  });
});
