/**
 * The resampler: the passband is kept, what would fold back below 8 kHz is removed (> 40 dB),
 * and how the input is split into blocks does not change a single output sample.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { decodeAudio, DEFAULT_AUDIO_LIMITS } from '../../src/audio/index.js';
import { Resampler } from '../../src/audio/resampler.js';
import { SampleBuffer } from '../../src/audio/sample-buffer.js';
import { floatWav, sine, toneAmplitude } from './audio-fixtures.js';

const limits = DEFAULT_AUDIO_LIMITS;

/** Gain in dB of a `frequency` tone from `rate` to 16 kHz, measured at `measuredAt`. */
async function gainDb(rate: number, frequency: number, measuredAt = frequency): Promise<number> {
  const audio = await decodeAudio(floatWav(sine(rate, frequency, 1, 0.5), rate), { limits });
  return 20 * Math.log10(toneAmplitude(audio.samples, 16000, measuredAt) / 0.5);
}

function resampleInBlocks(input: Float32Array, from: number, block: number): Float32Array {
  const resampler = new Resampler(from, 16000);
  const out = new SampleBuffer(0);
  for (let at = 0; at < input.length; at += block)
    resampler.push(input.subarray(at, at + block), Math.min(block, input.length - at), out);
  resampler.finish(out);
  return out.take();
}

describe('resampler', () => {
  test('48 kHz: a 7.5 kHz tone is attenuated by more than 40 dB', async () => {
    const db = await gainDb(48000, 7500);
    assert.ok(db < -40, `7.5 kHz: ${db.toFixed(1)} dB`);
  });

  test('48 kHz: 8.5 kHz does not alias to 7.5 kHz, 12 kHz not to 4 kHz', async () => {
    const folded = await gainDb(48000, 8500, 7500);
    assert.ok(folded < -40, `8.5 kHz folded to 7.5 kHz: ${folded.toFixed(1)} dB`);
    const far = await gainDb(48000, 12000, 4000);
    assert.ok(far < -40, `12 kHz folded to 4 kHz: ${far.toFixed(1)} dB`);
  });

  test('44.1 kHz and an odd rate (interpolated phases) suppress the same', async () => {
    for (const rate of [44100, 37813]) {
      const db = await gainDb(rate, 7500);
      assert.ok(db < -40, `${rate} Hz, 7.5 kHz: ${db.toFixed(1)} dB`);
      const folded = await gainDb(rate, 9000, 7000);
      assert.ok(folded < -40, `${rate} Hz, 9 kHz folded to 7 kHz: ${folded.toFixed(1)} dB`);
    }
  });

  test('the passband is flat within 0.1 dB', async () => {
    for (const [rate, frequencies] of [
      [48000, [100, 440, 1000, 3000, 6000]],
      [44100, [440, 3000, 6000]],
      [22050, [440, 6000]],
      [37813, [440, 6000]],
      [8000, [440, 1000, 3000]],
    ] as const) {
      for (const frequency of frequencies) {
        const db = await gainDb(rate, frequency);
        assert.ok(Math.abs(db) < 0.1, `${rate} Hz, ${frequency} Hz: ${db.toFixed(3)} dB`);
      }
    }
  });

  test('upsampling 8 kHz leaves no image above 4 kHz', async () => {
    // A 3 kHz tone at 8 kHz has its image at 5 kHz once the rate is doubled.
    const image = await gainDb(8000, 3000, 5000);
    assert.ok(image < -40, `image at 5 kHz: ${image.toFixed(1)} dB`);
  });

  test('a constant stays constant (unit DC gain in every phase)', () => {
    for (const rate of [48000, 44100, 37813, 8000]) {
      const out = resampleInBlocks(new Float32Array(rate).fill(0.25), rate, 4096);
      for (let i = 200; i < out.length - 200; i++)
        assert.ok(Math.abs(out[i]! - 0.25) < 1e-5, `${rate} Hz, sample ${i}: ${out[i]}`);
    }
  });

  test('output length is ceil(input × 16000 / rate); block size changes nothing', () => {
    for (const rate of [48000, 44100, 11025, 8000]) {
      const input = sine(rate, 440, 0.73);
      const whole = resampleInBlocks(input, rate, input.length);
      assert.equal(whole.length, Math.ceil((input.length * 16000) / rate));
      for (const block of [1, 7, 160, 4096]) {
        assert.deepEqual(
          resampleInBlocks(input, rate, block),
          whole,
          `${rate} Hz in blocks of ${block}`,
        );
      }
    }
  });

  test('no delay: a click stays where it was', () => {
    const input = new Float32Array(48000);
    input[24000] = 1;
    const out = resampleInBlocks(input, 48000, 1000);
    let peak = 0;
    for (let i = 1; i < out.length; i++) if (Math.abs(out[i]!) > Math.abs(out[peak]!)) peak = i;
    assert.equal(peak, 8000);
  });
});
