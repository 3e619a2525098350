/**
 * sox effect chains on 16 kHz float samples (raw float32 through stdin/stdout, so nothing is
 * requantised in between), with `-R` so sox's dither and noise are the same on every run.
 */
import { fromRawFloat, rawFloat } from './audio-bytes.js';
import { runTool } from './run-tool.js';

const RAW_16K = ['-t', 'raw', '-e', 'floating-point', '-b', '32', '-L', '-r', '16000', '-c', '1'];

/**
 * `samples` through the sox `effects` (e.g. `['highpass', '200', 'reverb', '40']`).
 *
 * ### Examples
 * ```ts
 * const louder = await soxEffects(samples, ['gain', '6']);
 * ```
 */
export async function soxEffects(
  samples: Float32Array,
  effects: readonly string[],
): Promise<Float32Array> {
  const out = await runTool(
    'sox',
    ['-R', '-V1', ...RAW_16K, '-', ...RAW_16K, '-', ...effects],
    rawFloat(samples),
  );
  return fromRawFloat(out);
}
