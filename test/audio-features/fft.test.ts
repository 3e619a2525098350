import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  getRealFft,
  inverseRealFft,
  isPowerOfTwo,
  nextPowerOfTwo,
  powerSpectrum,
  realFft,
  RealFft,
} from '../../src/audio/features/fft.js';
import { seededRandom } from './audio-fixtures.js';

/** Direct O(n²) DFT bins 0..n/2 (twiddle angles reduced mod n to keep them exact). */
function directDft(x: Float64Array): { re: Float64Array; im: Float64Array } {
  const n = x.length;
  const re = new Float64Array(n / 2 + 1);
  const im = new Float64Array(n / 2 + 1);
  for (let k = 0; k <= n / 2; k++) {
    let sr = 0;
    let si = 0;
    for (let j = 0; j < n; j++) {
      const angle = (-2 * Math.PI * ((j * k) % n)) / n;
      sr += x[j]! * Math.cos(angle);
      si += x[j]! * Math.sin(angle);
    }
    re[k] = sr;
    im[k] = si;
  }
  return { re, im };
}

function unpack(packed: Float64Array, k: number): [number, number] {
  const n = packed.length;
  if (k === 0) return [packed[0]!, 0];
  if (k === n / 2) return [packed[1]!, 0];
  return [packed[2 * k]!, packed[2 * k + 1]!];
}

function randomSignal(n: number, seed: number): Float64Array {
  const rand = seededRandom(seed);
  return Float64Array.from({ length: n }, () => rand() * 2 - 1);
}

test('real FFT matches a direct DFT on random input for every size 2..4096', () => {
  for (let n = 2, seed = 1; n <= 4096; n *= 2, seed++) {
    const x = randomSignal(n, seed);
    const packed = x.slice();
    realFft(packed);
    const { re, im } = directDft(x);
    let maxError = 0;
    for (let k = 0; k <= n / 2; k++) {
      const [r, i] = unpack(packed, k);
      maxError = Math.max(maxError, Math.abs(r - re[k]!), Math.abs(i - im[k]!));
    }
    // Both sides are float64; the direct sum's own rounding grows like √n·ε·Σ|x|.
    assert.ok(maxError < 1e-10 * n, `n=${n}: max abs error ${maxError}`);
  }
});

test('known transforms: impulse, constant, cosine at bin 3', () => {
  const impulse = new Float64Array(16);
  impulse[0] = 1;
  realFft(impulse);
  for (let k = 0; k <= 8; k++) {
    const [r, i] = unpack(impulse, k);
    assert.ok(r === 1 && Math.abs(i) === 0, `bin ${k}: ${r} ${i}`);
  }

  const constant = new Float64Array(16).fill(2);
  realFft(constant);
  assert.equal(constant[0], 32);
  for (let i = 1; i < 16; i++) assert.ok(Math.abs(constant[i]!) < 1e-12);

  const cosine = Float64Array.from({ length: 32 }, (_, j) => Math.cos((2 * Math.PI * 3 * j) / 32));
  realFft(cosine);
  for (let k = 0; k <= 16; k++) {
    const [r, i] = unpack(cosine, k);
    assert.ok(Math.abs(r - (k === 3 ? 16 : 0)) < 1e-12, `bin ${k}: ${r}`);
    assert.ok(Math.abs(i) < 1e-12, `bin ${k}: ${i}`);
  }
});

test('Parseval: Σx² = (1/n)·Σ|X[k]|² over all n bins', () => {
  for (const n of [8, 256, 512, 2048]) {
    const x = randomSignal(n, n);
    let timeEnergy = 0;
    for (const v of x) timeEnergy += v * v;
    const packed = x.slice();
    realFft(packed);
    const power = powerSpectrum(packed);
    assert.equal(power.length, n / 2 + 1);
    // Bins 1..n/2−1 appear twice in the full spectrum (k and n−k).
    let freqEnergy = power[0]! + power[n / 2]!;
    for (let k = 1; k < n / 2; k++) freqEnergy += 2 * power[k]!;
    freqEnergy /= n;
    assert.ok(Math.abs(freqEnergy - timeEnergy) < 1e-10 * timeEnergy, `n=${n}`);
  }
});

test('inverse real FFT restores the signal; float32 buffers work too', () => {
  for (const n of [2, 4, 64, 1024]) {
    const x = randomSignal(n, 100 + n);
    const buf = x.slice();
    realFft(buf);
    inverseRealFft(buf);
    let maxError = 0;
    for (let i = 0; i < n; i++) maxError = Math.max(maxError, Math.abs(buf[i]! - x[i]!));
    assert.ok(maxError < 1e-13, `n=${n}: ${maxError}`);
  }
  const x = randomSignal(512, 7);
  const f32 = Float32Array.from(x);
  realFft(f32);
  const { re } = directDft(x);
  for (let k = 1; k < 256; k++) assert.ok(Math.abs(f32[2 * k]! - re[k]!) < 1e-4);
});

test('plans are cached per size and reject bad sizes and buffers', () => {
  assert.equal(getRealFft(512), getRealFft(512));
  assert.notEqual(getRealFft(512), getRealFft(256));
  assert.throws(() => new RealFft(1), RangeError);
  assert.throws(() => new RealFft(384), RangeError);
  assert.throws(() => getRealFft(8).forward(new Float64Array(16)), RangeError);
  assert.ok(isPowerOfTwo(1024) && !isPowerOfTwo(1000) && !isPowerOfTwo(0));
  assert.deepEqual([1, 2, 3, 400, 512, 513].map(nextPowerOfTwo), [1, 2, 4, 512, 512, 1024]);
});
