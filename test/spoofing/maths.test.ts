/**
 * The spoofing detector's maths on synthetic signals: the linear filterbank and LFCCs, the
 * streaming front end (chunk invariance, VAD), GMM log-likelihood-ratio scoring against a
 * direct computation, the RiskScore mapping and its calibration, and the model files.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import {
  DEFAULT_FRONT_END,
  DEFAULT_LFCC,
  fitRiskCalibration,
  LfccAnalyzer,
  LinearFilterbank,
  loadSpoofingModel,
  riskScore,
  speechFeatures,
  SpoofingModel,
  SpoofingModelMismatch,
  SpoofingModelUnreadable,
  type SpoofingModelMeta,
} from '../../src/engines/spoofing/index.js';
import { writeSpoofingModelFiles } from '../../src/engines/spoofing/model-files.js';
import { quantile } from '../../src/engines/spoofing/risk-calibration.js';
import { DiagonalGmm, SeededRandom } from '../../src/engines/spoofing/speaker-engine-parts.js';
import { FrameReservoir } from '../../src/engines/spoofing/training/frame-reservoir.js';
import { utteranceSubset } from '../../src/engines/spoofing/training/utterance-subset.js';

/** A 16 kHz test signal: a gliding harmonic tone with noise, with silent gaps. */
function signal(seconds: number, seed = 1): Float32Array {
  const random = new SeededRandom(seed);
  const n = Math.round(seconds * 16000);
  const out = new Float32Array(n);
  let phase = 0;
  for (let i = 0; i < n; i++) {
    const t = i / 16000;
    const on = Math.floor(t / 0.5) % 3 !== 2; // 1 s of "speech", 0.5 s of silence
    phase += (2 * Math.PI * (140 + 40 * Math.sin(2 * Math.PI * 0.7 * t))) / 16000;
    let v = 0;
    for (let h = 1; h <= 12; h++) v += Math.sin(h * phase) / h;
    out[i] = (on ? 0.15 * v : 0) + 0.0005 * random.gaussian();
  }
  return out;
}

describe('linear filterbank', () => {
  test('triangles with peak 1 at centres evenly spaced in Hz, covering the band', () => {
    const bank = new LinearFilterbank(16000, 512, 30, 0, 8000);
    const bins = 257;
    const step = 8000 / 31;
    for (let f = 0; f < 30; f++) {
      const power = new Float64Array(bins);
      const centreBin = Math.round(((f + 1) * step) / (16000 / 512));
      power[centreBin] = 1;
      const out = new Float64Array(30);
      bank.apply(power, out);
      // The centre bin lies in filter f (weight near 1) and in no filter two away.
      assert.ok(out[f]! > 0.8, `filter ${f} at its centre: ${out[f]}`);
      if (f >= 2) assert.equal(out[f - 2], 0);
      if (f < 28) assert.equal(out[f + 2], 0);
    }
    // Neighbouring triangles overlap so that their weights sum to 1 between two centres.
    const power = new Float64Array(bins).fill(1);
    const out = new Float64Array(30);
    bank.apply(power, out);
    const binsPerFilter = step / (16000 / 512);
    for (let f = 1; f < 29; f++) assert.ok(Math.abs(out[f]! - binsPerFilter) < 1.01);
  });

  test('refuses a band outside Nyquist and filters with no bin', () => {
    assert.throws(() => new LinearFilterbank(16000, 512, 30, 0, 9000), RangeError);
    assert.throws(() => new LinearFilterbank(16000, 64, 200, 0, 8000), RangeError);
  });
});

describe('LFCC', () => {
  const lfcc = new LfccAnalyzer(DEFAULT_LFCC);
  const frame = signal(0.02, 3);

  test('does not depend on the gain (c0 is dropped): ×4 changes only the level, by 12 dB', () => {
    const a = new Float64Array(20);
    const b = new Float64Array(20);
    const levelA = lfcc.analyse(frame, a);
    const levelB = lfcc.analyse(
      frame.map((v) => 4 * v),
      b,
    );
    assert.ok(Math.abs(levelB - levelA - 20 * Math.log10(4)) < 1e-9);
    for (let i = 0; i < 20; i++) assert.ok(Math.abs(a[i]! - b[i]!) < 1e-9, `c${i + 1}`);
  });

  test('level of a full-scale sine is −3 dB; a DC offset is removed', () => {
    const sine = new Float32Array(320).map((_, i) => Math.sin((2 * Math.PI * 1000 * i) / 16000));
    const out = new Float64Array(20);
    assert.ok(Math.abs(lfcc.analyse(sine, out) + 3.01) < 0.05);
    // Broadband (a pure tone's empty filters would hold only float32 rounding noise).
    const ref = new Float64Array(20);
    lfcc.analyse(frame, ref);
    lfcc.analyse(
      frame.map((v) => v + 0.3),
      out,
    );
    for (let i = 0; i < 20; i++) assert.ok(Math.abs(out[i]! - ref[i]!) < 1e-4, `c${i + 1}`);
  });

  test('the cepstra are the DCT-II of the log filter energies (orthonormal rows)', () => {
    // A flat spectrum (one impulse): every log energy is the same up to the filter areas, so
    // the cepstra are the DCT of the log areas; compare with a direct computation.
    const impulse = new Float32Array(320);
    impulse[160] = 1;
    const out = new Float64Array(20);
    lfcc.analyse(impulse, out);
    const bank = new LinearFilterbank(16000, 512, 30, 0, 8000);
    // The impulse after DC removal, pre-emphasis and windowing, done by hand.
    const x = new Float64Array(512);
    for (let i = 0; i < 320; i++) x[i] = impulse[i]! - 1 / 320;
    for (let i = 319; i > 0; i--) x[i] = x[i]! - 0.97 * x[i - 1]!;
    x[0] = x[0]! * 0.03;
    for (let i = 0; i < 320; i++) x[i] = x[i]! * (0.54 - 0.46 * Math.cos((2 * Math.PI * i) / 319));
    const power = new Float64Array(257);
    for (let k = 0; k < 257; k++) {
      let re = 0;
      let im = 0;
      for (let i = 0; i < 320; i++) {
        re += x[i]! * Math.cos((2 * Math.PI * k * i) / 512);
        im -= x[i]! * Math.sin((2 * Math.PI * k * i) / 512);
      }
      power[k] = re * re + im * im;
    }
    const e = new Float64Array(30);
    bank.apply(power, e);
    for (let q = 1; q <= 20; q++) {
      let c = 0;
      for (let j = 0; j < 30; j++)
        c += Math.sqrt(2 / 30) * Math.cos((Math.PI * q * (j + 0.5)) / 30) * Math.log(e[j]!);
      assert.ok(Math.abs(c - out[q - 1]!) < 1e-6, `c${q}: ${c} vs ${out[q - 1]}`);
    }
  });
});

describe('front end', () => {
  const audio = signal(3);

  test('60 dimensions, only the speech frames, and the silent gaps are skipped', () => {
    const f = speechFeatures(audio);
    assert.equal(f.dims, 60);
    // 3 s = 298 frames, a third of them silent; the speech at the very start counts too.
    assert.ok(f.frames > 180 && f.frames < 210, `${f.frames} speech frames`);
  });

  test('the same features however the audio is chunked (20 ms, odd sizes, one sample)', () => {
    const whole = speechFeatures(audio).data;
    for (const size of [320, 7, 1000, 1]) {
      const model = trivialModel();
      const acc = model.createAccumulator();
      for (let at = 0; at < audio.length; at += size) acc.push(audio.subarray(at, at + size));
      const direct = model.score(audio);
      assert.deepEqual(acc.result(), direct, `chunks of ${size}`);
    }
    assert.ok(whole.length > 0);
  });
});

/** Two single-Gaussian "GMMs" 60-dimensional, with analytically known log-likelihoods. */
function trivialModel(shift = 0.5): SpoofingModel {
  const dims = 60;
  const gauss = (mean: number, variance: number) => ({
    components: 1,
    dims,
    weights: Float64Array.of(1),
    means: new Float64Array(dims).fill(mean),
    variances: new Float64Array(dims).fill(variance),
  });
  return new SpoofingModel({
    version: 'test',
    meta: meta(1, 1, { slope: 1, llrAt50: 0 }),
    bonafide: gauss(0, 4),
    spoof: gauss(shift, 9),
  });
}

function meta(
  bonafideComponents: number,
  spoofComponents: number,
  calibration: { slope: number; llrAt50: number },
): SpoofingModelMeta {
  return {
    frontEnd: DEFAULT_FRONT_END,
    bonafideComponents,
    spoofComponents,
    dims: 60,
    calibration,
    training: {},
  };
}

describe('GMM scoring', () => {
  test('llr is the mean over speech frames of log N(x; spoof) − log N(x; bona fide)', () => {
    const audio = signal(2, 5);
    const { data, frames, dims } = speechFeatures(audio);
    const logN = (x: number, m: number, v: number) =>
      -0.5 * (Math.log(2 * Math.PI * v) + ((x - m) * (x - m)) / v);
    let sum = 0;
    for (let t = 0; t < frames; t++)
      for (let j = 0; j < dims; j++) {
        const x = data[t * dims + j]!;
        sum += logN(x, 0.5, 9) - logN(x, 0, 4);
      }
    const result = trivialModel().score(audio);
    assert.ok(Math.abs(result.llr - sum / frames) < 1e-6 * Math.max(1, Math.abs(result.llr)));
    assert.equal(result.speechSeconds, frames * 0.01);
    assert.equal(result.riskScore, riskScore({ slope: 1, llrAt50: 0 }, result.llr));
  });

  test('a two-component mixture scores log Σ w·N', () => {
    const dims = 60;
    const x = new Float64Array(dims).fill(0.3);
    const means = new Float64Array(2 * dims);
    means.fill(1, dims);
    const params = {
      components: 2,
      dims,
      weights: Float64Array.of(0.25, 0.75),
      means,
      variances: new Float64Array(2 * dims).fill(1),
    };
    const model = new SpoofingModel({
      version: 'test',
      meta: meta(2, 1, { slope: 1, llrAt50: 0 }),
      bonafide: params,
      spoof: {
        components: 1,
        dims,
        weights: Float64Array.of(1),
        means: new Float64Array(dims),
        variances: new Float64Array(dims).fill(1),
      },
    });
    assert.ok(model instanceof SpoofingModel);
    const logN = (m: number) => dims * -0.5 * (Math.log(2 * Math.PI) + (0.3 - m) ** 2);
    const expected = Math.log(0.25 * Math.exp(logN(0)) + 0.75 * Math.exp(logN(1)));
    // Through the same DiagonalGmm the accumulator uses.
    const post = new Float64Array(2);
    assert.ok(Math.abs(new DiagonalGmm(params).posteriors(x, 0, post) - expected) < 1e-9);
    assert.ok(Math.abs(post[0]! + post[1]! - 1) < 1e-12);
  });

  test('no speech: risk 0, llr 0', () => {
    const r = trivialModel().score(new Float32Array(16000));
    assert.deepEqual(r, { riskScore: 0, llr: 0, speechSeconds: 0 });
  });

  test('refuses GMMs whose dimensions disagree with the front end', () => {
    assert.throws(
      () =>
        new SpoofingModel({
          version: 'x',
          meta: { ...meta(1, 1, { slope: 1, llrAt50: 0 }), dims: 59 },
          bonafide: {
            components: 1,
            dims: 59,
            weights: Float64Array.of(1),
            means: new Float64Array(59),
            variances: new Float64Array(59).fill(1),
          },
          spoof: {
            components: 1,
            dims: 59,
            weights: Float64Array.of(1),
            means: new Float64Array(59),
            variances: new Float64Array(59).fill(1),
          },
        }),
      RangeError,
    );
  });
});

describe('RiskScore calibration', () => {
  test('50 exactly at llrAt50, monotone, integers within 0–100', () => {
    const c = { slope: 2, llrAt50: 0.5 };
    assert.equal(riskScore(c, 0.5), 50);
    assert.equal(riskScore(c, 0.4999), 49);
    assert.equal(riskScore(c, -100), 0);
    assert.equal(riskScore(c, 100), 100);
    assert.equal(riskScore(c, NaN), 0);
    let last = -1;
    for (let llr = -5; llr <= 5; llr += 0.01) {
      const r = riskScore(c, llr);
      assert.ok(Number.isInteger(r) && r >= last && r <= 100);
      last = r;
    }
  });

  test('llrAt50 is the bona fide quantile of the worst channel; the slope fits the classes', () => {
    const random = new SeededRandom(4);
    const normal = (m: number, s: number, n: number) =>
      Array.from({ length: n }, () => m + s * random.gaussian());
    const clean = normal(-2, 0.5, 2000);
    const phone = normal(-1, 0.5, 2000);
    const spoof = normal(2, 0.5, 2000);
    const fitted = fitRiskCalibration({ bonafide: { clean, phone }, spoof }, 0.99);
    assert.ok(Math.abs(fitted.llrAt50 - quantile(phone, 0.99)) < 1e-12);
    assert.ok(fitted.slope > 1, `slope ${fitted.slope}`);
    const below = phone.filter((v) => riskScore(fitted, v) < 50).length / phone.length;
    assert.ok(Math.abs(below - 0.99) < 0.002);
    assert.ok(spoof.filter((v) => riskScore(fitted, v) >= 50).length / spoof.length > 0.98);
  });

  test('quantile interpolates between order statistics', () => {
    assert.equal(quantile([5, 1, 3, 2, 4], 0.5), 3);
    assert.equal(quantile([1, 2], 0.25), 1.25);
    assert.ok(Number.isNaN(quantile([], 0.5)));
  });
});

describe('training helpers', () => {
  test('the frame reservoir keeps a uniform sample of fixed size', () => {
    const r = new FrameReservoir(100, 1, new SeededRandom(1));
    for (let i = 0; i < 10_000; i++) r.offer([i]);
    assert.equal(r.frames, 100);
    assert.equal(r.seen, 10_000);
    const mean = r.data.reduce((a, b) => a + b, 0) / 100;
    assert.ok(mean > 3500 && mean < 6500, `mean ${mean}`);
  });

  test('the utterance subset is seeded, per speaker and sorted', () => {
    const utterances = Array.from({ length: 40 }, (_, i) => ({
      id: `u${String(i).padStart(2, '0')}`,
      speaker: i < 20 ? 'a' : 'b',
      text: 'x',
      audioPath: '',
    }));
    const one = utteranceSubset(utterances, ['a', 'b'], 5, 1);
    assert.equal(one.length, 10);
    assert.deepEqual(one, utteranceSubset(utterances, ['b', 'a'], 5, 1));
    assert.notDeepEqual(one, utteranceSubset(utterances, ['a', 'b'], 5, 2));
    assert.deepEqual(
      one.map((u) => u.id),
      one.map((u) => u.id).sort(),
    );
    assert.equal(utteranceSubset(utterances, ['a'], 50, 1).length, 20);
  });
});

describe('model files', () => {
  test('round trip; a binary of another training is refused; a missing file is unreadable', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'voxgate-spoof-files-'));
    try {
      const model = trivialModel();
      const dims = 60;
      const version = await writeSpoofingModelFiles(dir, model.meta, {
        'bonafide.weights': [1],
        'bonafide.means': new Float64Array(dims),
        'bonafide.variances': new Float64Array(dims).fill(4),
        'spoof.weights': [1],
        'spoof.means': new Float64Array(dims).fill(0.5),
        'spoof.variances': new Float64Array(dims).fill(9),
      });
      const loaded = await loadSpoofingModel(dir);
      assert.equal(loaded.version, version);
      const audio = signal(2, 8);
      assert.deepEqual(loaded.score(audio), model.score(audio));
      const bin = path.join(dir, 'spoofing-model.bin');
      const bytes = await readFile(bin);
      bytes[10] = bytes[10]! ^ 0xff;
      await writeFile(bin, bytes);
      await assert.rejects(loadSpoofingModel(dir), SpoofingModelMismatch);
      await rm(bin);
      await assert.rejects(loadSpoofingModel(dir), SpoofingModelUnreadable);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
