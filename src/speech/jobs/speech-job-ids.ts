import { randomBytes } from 'node:crypto';

/** `vxj_` + 24 hex digits (96 bits): unguessable, so a job id alone reveals nothing. */
export const newSpeechJobId = (): string => `vxj_${randomBytes(12).toString('hex')}`;

/** Longest id `get` looks up; anything longer cannot be a job id. */
export const MAX_JOB_ID_LENGTH = 32;
