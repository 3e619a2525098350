/**
 * Re-scores the trials that `voxgate eval speaker --scores FILE` wrote with another model
 * file's calibration (the fusion and its duration terms; the embeddings must be the same, i.e.
 * the same model version): the subsystem scores and both sides' net speech are in the file, so
 * a recalibrated model is measured on the test speakers in seconds instead of re-running the
 * audio. Prints the same JSON summary as `eval speaker --json` (without rtf).
 *
 *     tsx bench/speaker-rescore.ts --model models/speaker --scores scores.jsonl \
 *       --corpus ../shared/corpus/speechocean762-train [--threshold 90]
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { parseArgs } from 'node:util';
import {
  ageGroup,
  DEFAULT_ACCEPT_THRESHOLD,
  DEFAULT_SPEAKER_MODEL_DIR,
  fusedLogOdds,
  loadSpeakerModel,
  scoreFromLogOdds,
  summarizeTrials,
  type ScoredTrial,
  type TrialSummary,
} from '../src/engines/index.js';

const { values } = parseArgs({
  options: {
    model: { type: 'string', default: DEFAULT_SPEAKER_MODEL_DIR },
    scores: { type: 'string' },
    corpus: { type: 'string' },
    threshold: { type: 'string', default: String(DEFAULT_ACCEPT_THRESHOLD) },
    bootstrap: { type: 'string', default: '1000' },
  },
});
if (values.scores === undefined || values.corpus === undefined)
  throw new Error('--scores and --corpus are required');
const model = await loadSpeakerModel(values.model);
const lines = (await readFile(values.scores, 'utf8')).split('\n').filter(Boolean);
const trials: ScoredTrial[] = lines.map((line) => {
  const t = JSON.parse(line) as ScoredTrial;
  const z = fusedLogOdds(
    model.meta.fusion,
    t.ivector,
    t.ltcs,
    Math.min(t.enrollSeconds, t.testSeconds),
  );
  return { ...t, rawScore: z, score0to100: scoreFromLogOdds(z) };
});
const utt2spk = new Map<string, string>();
for (const line of (await readFile(path.join(values.corpus, 'utt2spk'), 'utf8')).split('\n')) {
  const [u, s] = line.trim().split(/\s+/);
  if (u !== undefined && s !== undefined) utt2spk.set(u, s);
}
const groups = new Map<string, string>();
const ages = await readFile(path.join(values.corpus, 'spk2age'), 'utf8').catch(() => '');
for (const line of ages.split('\n')) {
  const [s, a] = line.trim().split(/\s+/);
  if (s !== undefined && a !== undefined) groups.set(s, ageGroup(Number(a)));
}
// Model ids are speakers (single-utterance lists) or `<speaker>-p<k>`, tests utterances or
// `<speaker>-p<k>-t<j>` (session lists).
const speakerOf = (id: string): string => utt2spk.get(id) ?? id.split('-')[0]!;
const threshold = Number(values.threshold);
const replicates = Number(values.bootstrap);
const summary = (list: readonly ScoredTrial[]): TrialSummary =>
  summarizeTrials(list, { threshold, speakerOf, replicates });
const byGroup: Record<string, TrialSummary> = {};
for (const g of [...new Set(groups.values())].sort()) {
  const inGroup = trials.filter(
    (t) =>
      groups.get(speakerOf(t.test)) === g && (t.target || groups.get(speakerOf(t.model)) === g),
  );
  if (inGroup.some((t) => t.target) && inGroup.some((t) => !t.target))
    byGroup[g] = summary(inGroup);
}
const pct = (r: { value: number; low: number; high: number }) =>
  `${(r.value * 100).toFixed(2)} % [${(r.low * 100).toFixed(2)}, ${(r.high * 100).toFixed(2)}]`;
const row = (name: string, s: TrialSummary) =>
  `${name.padEnd(6)} EER ${pct(s.eer)}  minDCF ${s.minDcf.toFixed(3)}  FA@${threshold} ${pct(s.falseAcceptRate)} (${s.falseAccepts})  ` +
  `FR@${threshold} ${pct(s.falseRejectRate)} (${s.falseRejects})  ${s.trials} trials, ${s.targets} target, ${s.speakers} speakers, ` +
  `net speech ${s.enrollSecondsMedian.toFixed(1)} / ${s.testSecondsMedian.toFixed(1)} s`;
process.stdout.write(
  [
    `${values.scores} with ${model.version} (${values.model})`,
    row('all', summary(trials)),
    ...Object.entries(byGroup).map(([g, s]) => row(g, s)),
  ].join('\n') + '\n',
);
