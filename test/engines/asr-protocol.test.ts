import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  FrameDecoder,
  MAX_FRAME_BYTES,
  ProtocolError,
  encodeFrame,
  isAlignment,
  parseRequest,
  parseWorkerMessage,
  payloadPcm,
  pcmBytes,
} from '../../src/engines/asr/asr-protocol.js';

function wire(header: object, payload?: Uint8Array): Buffer {
  return Buffer.concat(encodeFrame(header, payload));
}

describe('asr protocol frames', () => {
  test('a header and PCM payload survive the round trip, split at every byte', () => {
    const pcm = Int16Array.from([0, 1, -1, 32767, -32768, 1234]);
    const bytes = wire({ type: 'request', id: 7, op: 'align', words: ['a'] }, pcmBytes(pcm));
    const decoder = new FrameDecoder();
    const frames = [...bytes].flatMap((b) => decoder.push(Buffer.from([b])));
    assert.equal(frames.length, 1);
    assert.deepEqual(frames[0]?.header, { type: 'request', id: 7, op: 'align', words: ['a'] });
    assert.deepEqual([...payloadPcm(frames[0]?.payload ?? Buffer.alloc(0))], [...pcm]);
  });

  test('several frames in one chunk come out in order; payloads are not JSON', () => {
    const pcm = new Int16Array(5000).fill(-2);
    const chunk = Buffer.concat([wire({ n: 1 }), wire({ n: 2 }, pcmBytes(pcm)), wire({ n: 3 })]);
    const frames = new FrameDecoder().push(chunk);
    assert.deepEqual(
      frames.map((f) => f.header),
      [{ n: 1 }, { n: 2 }, { n: 3 }],
    );
    assert.equal(frames[1]?.payload.length, 10_000);
    assert.ok(chunk.length < 10_100, 'audio travels as raw bytes');
  });

  test('a payload at an odd offset is copied into aligned samples', () => {
    const odd = Buffer.alloc(5);
    odd.writeInt16LE(-300, 1);
    odd.writeInt16LE(301, 3);
    assert.deepEqual([...payloadPcm(odd.subarray(1))], [-300, 301]);
    assert.throws(() => payloadPcm(Buffer.alloc(3)), ProtocolError);
  });

  test('garbage is a protocol error: bad JSON, impossible lengths', () => {
    const bad = Buffer.alloc(17);
    bad.writeUInt32BE(13, 0);
    bad.writeUInt32BE(9, 4);
    bad.write('not json!', 8);
    assert.throws(() => new FrameDecoder().push(bad), /not JSON/);
    const huge = Buffer.alloc(8);
    huge.writeUInt32BE(MAX_FRAME_BYTES + 1, 0);
    assert.throws(() => new FrameDecoder().push(huge), ProtocolError);
    const inconsistent = Buffer.alloc(8);
    inconsistent.writeUInt32BE(10, 0);
    inconsistent.writeUInt32BE(50, 4);
    assert.throws(() => new FrameDecoder().push(inconsistent), ProtocolError);
  });

  test('messages are checked by shape', () => {
    assert.deepEqual(parseWorkerMessage({ type: 'ready', pid: 3 }), { type: 'ready', pid: 3 });
    assert.equal(
      parseWorkerMessage({
        type: 'response',
        id: 1,
        ok: false,
        error: { kind: 'Unalignable', detail: 'x' },
      }).type,
      'response',
    );
    assert.throws(() =>
      parseWorkerMessage({
        type: 'response',
        id: 1,
        ok: false,
        error: { kind: 'Oops', detail: '' },
      }),
    );
    assert.throws(() => parseWorkerMessage([1, 2]));
    assert.throws(() => parseRequest({ type: 'request', id: 1, op: 'format-disk' }));
    assert.throws(() => parseRequest({ type: 'request', id: 1, op: 'align', words: [1] }));
    assert.equal(parseRequest({ type: 'request', id: 2, op: 'ping' }).op, 'ping');
    assert.equal(
      isAlignment({
        words: [{}],
        fillers: [],
        acousticScore: 0,
        frames: 0,
        generatedPronunciations: [],
      }),
      false,
    );
  });
});
