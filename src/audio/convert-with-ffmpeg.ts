import { spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { catalog, VoxgateError } from '../errors/index.js';
import type { AudioLimits } from './audio-limits.js';
import type { AudioFormat } from './detect-format.js';
import { MonoSink, OUTPUT_SAMPLE_RATE } from './mono-sink.js';

/** Audio converted by ffmpeg, with what ffmpeg said about its input stream. @internal */
export interface FfmpegConversion {
  readonly samples: Float32Array;
  /** 0 when ffmpeg did not say. */
  readonly sampleRate: number;
  /** 0 when ffmpeg did not say. */
  readonly channels: number;
}

/** ffmpeg's diagnostics kept for the error's cause (the stream line comes first, errors last). */
const MAX_STDERR_BYTES = 64 * 1024;
const LITTLE_ENDIAN = os.endianness() === 'LE';

/**
 * Converts `bytes` with Debian's ffmpeg to 16 kHz mono float (raw f32le on stdout), killing it
 * after `timeoutMs` or as soon as its output passes the limits.
 *
 * ffmpeg is given as little reach as possible: input only through a pipe (`-protocol_whitelist
 * pipe`), so a playlist or concat script cannot make it open URLs or local files. MP4/M4A is the
 * exception: the index (moov) of most files sits after the audio and ffmpeg must seek back to
 * it, which a pipe cannot do, so those are written to a private temporary file and read with the
 * MOV demuxer forced and only the file protocol allowed.
 *
 * Any failure (spawn error, non-zero exit, timeout, no audio) is `FailedToConvertAudio` with
 * `format` as `audio_format` and the reason as `cause`; over the limits is `AudioLimitExceeded`.
 * @internal
 */
export async function convertWithFfmpeg(
  bytes: Uint8Array,
  format: AudioFormat,
  limits: AudioLimits,
  timeoutMs: number,
  options: { readonly failOnCorruption?: boolean } = {},
): Promise<FfmpegConversion> {
  // With failOnCorruption a CRC or bitstream error ends the conversion instead of being concealed.
  const strict = options.failOnCorruption
    ? ['-err_detect', 'crccheck+bitstream+buffer+explode', '-xerror']
    : [];
  if (format !== 'm4a' && format !== 'mp4')
    return run(
      [...strict, '-protocol_whitelist', 'pipe', '-i', 'pipe:0'],
      bytes,
      format,
      limits,
      timeoutMs,
    );
  const dir = await mkdtemp(path.join(os.tmpdir(), 'voxgate-audio-'));
  try {
    const input = path.join(dir, 'input');
    await writeFile(input, bytes, { mode: 0o600 });
    return await run(
      ['-protocol_whitelist', 'file', '-f', 'mov', '-i', `file:${input}`],
      undefined,
      format,
      limits,
      timeoutMs,
    );
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

function run(
  input: readonly string[],
  stdin: Uint8Array | undefined,
  format: AudioFormat,
  limits: AudioLimits,
  timeoutMs: number,
): Promise<FfmpegConversion> {
  const args = [
    '-hide_banner',
    '-nostdin',
    '-nostats',
    '-loglevel',
    'info',
    ...input,
    '-map',
    '0:a:0',
    '-vn',
    '-sn',
    '-dn',
    '-ac',
    '1',
    '-ar',
    String(OUTPUT_SAMPLE_RATE),
    '-f',
    'f32le',
    'pipe:1',
  ];
  return new Promise((resolve, reject) => {
    const child = spawn('ffmpeg', args, { stdio: 'pipe' });
    const sink = new MonoSink(OUTPUT_SAMPLE_RATE, limits);
    let carry: Uint8Array = new Uint8Array(0);
    let stderr = '';
    let settled = false;
    const fail = (error: Error): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      child.kill('SIGKILL');
      reject(error);
    };
    const conversionFailed = (reason: string, cause?: unknown): Error =>
      new VoxgateError(
        catalog.FailedToConvertAudio,
        { audio_format: format },
        { cause: cause ?? new Error(`ffmpeg: ${reason}\n${stderr.slice(-4096)}`) },
      );
    const timer = setTimeout(
      () => fail(conversionFailed(`timed out after ${timeoutMs} ms`)),
      timeoutMs,
    );

    child.on('error', (e) => fail(conversionFailed('could not run', e)));
    child.stderr.setEncoding('utf8');
    child.stderr.on('data', (text: string) => {
      if (stderr.length < MAX_STDERR_BYTES)
        stderr += text.slice(0, MAX_STDERR_BYTES - stderr.length);
    });
    child.stdout.on('data', (chunk: Buffer) => {
      if (settled) return;
      try {
        carry = pushFloats(sink, carry, chunk);
      } catch (e) {
        fail(e as Error); // AudioLimitExceeded
      }
    });
    child.on('close', (code, signal) => {
      if (settled) return;
      if (code !== 0) return fail(conversionFailed(`exited with ${code ?? signal}`));
      if (sink.frames === 0) return fail(conversionFailed('no audio decoded'));
      settled = true;
      clearTimeout(timer);
      resolve({ samples: sink.finish(), ...inputStream(stderr) });
    });
    // ffmpeg may stop reading early (it failed, or it was killed): EPIPE is expected then.
    child.stdin.on('error', () => undefined);
    if (stdin === undefined) child.stdin.end();
    else child.stdin.end(stdin);
  });
}

/** Pushes the whole floats of `carry` + `chunk` into `sink`; returns the bytes left over. */
function pushFloats(sink: MonoSink, carry: Uint8Array, chunk: Uint8Array): Uint8Array {
  const length = carry.byteLength + chunk.byteLength;
  const count = Math.floor(length / 4);
  const floats = sink.scratch(count);
  const bytes = new Uint8Array(floats.buffer, 0, count * 4);
  bytes.set(carry.subarray(0, Math.min(carry.byteLength, count * 4)));
  if (count * 4 > carry.byteLength)
    bytes.set(chunk.subarray(0, count * 4 - carry.byteLength), carry.byteLength);
  if (!LITTLE_ENDIAN) {
    const view = new DataView(floats.buffer, 0, count * 4);
    for (let i = 0; i < count; i++) floats[i] = view.getFloat32(i * 4, true);
  }
  sink.pushMono(floats, count);
  const rest = length - count * 4;
  const left = new Uint8Array(rest);
  for (let i = 0; i < rest; i++) {
    const at = count * 4 + i;
    left[i] = at < carry.byteLength ? carry[at]! : chunk[at - carry.byteLength]!;
  }
  return left;
}

/**
 * The rate and channel count from ffmpeg's description of the input stream, e.g.
 * `Stream #0:0: Audio: mp3, 44100 Hz, stereo, fltp, 128 kb/s`.
 */
function inputStream(stderr: string): { sampleRate: number; channels: number } {
  const line = STREAM_LINE.exec(stderr);
  if (line === null) return { sampleRate: 0, channels: 0 };
  return { sampleRate: Number(line[1]), channels: layoutChannels(line[2]!.trim()) };
}

const STREAM_LINE = /Stream #0:\d+[^:]*: Audio: [^\n]*?, (\d+) Hz, ([^,\n]+)/;
const NAMED_LAYOUTS: Readonly<Record<string, number>> = {
  mono: 1,
  stereo: 2,
  downmix: 2,
  quad: 4,
  hexagonal: 6,
  octagonal: 8,
  hexadecagonal: 16,
};

/** Channels of an ffmpeg layout name: `mono`, `5.1(side)` (5 + 1), `3 channels`, … 0 if unknown. */
function layoutChannels(layout: string): number {
  const name = layout.replace(/\(.*\)$/, '');
  const named = NAMED_LAYOUTS[name];
  if (named !== undefined) return named;
  const counted = /^(\d+) channels/.exec(layout);
  if (counted !== null) return Number(counted[1]);
  const surround = /^(\d+)\.(\d+)$/.exec(name);
  if (surround !== null) return Number(surround[1]) + Number(surround[2]);
  return 0;
}
