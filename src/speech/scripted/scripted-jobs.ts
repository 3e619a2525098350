import type { SpeechCaller } from '../accounts/index.js';
import type { ScriptedParameters } from './score-audio.js';
import type { ScriptedResult } from './scripted-result.js';

export type ScriptedJobStatus = 'queued' | 'running' | 'succeeded' | 'failed';

/** An async scoring job as its owner sees it (GET /api/v2/score_audio/jobs/{job_id}). */
export interface ScriptedJobView {
  readonly job_id: string;
  readonly status: ScriptedJobStatus;
  readonly created_at: string;
  readonly updated_at: string;
  /** Seconds of audio. */
  readonly audio_duration: number;
  /** When succeeded. */
  readonly result?: ScriptedResult;
  /** When failed: the catalogued error, as the synchronous call would have answered it. */
  readonly error?: { readonly error: string; readonly message: string } & Record<string, unknown>;
}

/**
 * Durable async scoring: `submit` stores the decoded audio and the request and answers at once
 * (minutes are reserved at submission, settled when the job runs, refunded if it fails); jobs
 * survive restarts. `get` answers SpeechJobNotFound for ids of other clients.
 */
export interface ScriptedJobs {
  submit(
    caller: SpeechCaller,
    parameters: ScriptedParameters,
    samples: Float32Array,
  ): Promise<ScriptedJobView>;
  get(caller: SpeechCaller, jobId: string): Promise<ScriptedJobView>;
}
