import type { SpeechCaller } from '../accounts/index.js';
import type { ScriptedParameters } from './score-audio.js';
import type { ScriptedAssessment } from './scripted-assessment.js';

export type ScriptedJobStatus = 'queued' | 'running' | 'succeeded' | 'failed';

/** A catalogued error as stored with the job that failed: its name, message and parameters. */
export interface SpeechFailure {
  readonly name: string;
  readonly message: string;
  readonly params: Readonly<Record<string, string | number>>;
}

/** An async scoring job as its owner sees it. */
export interface ScriptedJob {
  readonly jobId: string;
  readonly status: ScriptedJobStatus;
  readonly createdAt: Date;
  readonly updatedAt: Date;
  readonly audioSeconds: number;
  /** When succeeded. */
  readonly result?: ScriptedAssessment;
  /** When failed: the catalogued error the synchronous call would have answered. */
  readonly failure?: SpeechFailure;
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
  ): Promise<ScriptedJob>;
  get(caller: SpeechCaller, jobId: string): Promise<ScriptedJob>;
}
