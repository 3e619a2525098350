import type { Migration } from 'kysely';
import * as m0001 from './0001-access-keys-and-server-secrets.js';
import * as m0002 from './0002-identity-store.js';
import * as m0003 from './0003-keys-and-voiceid.js';
import * as m0004 from './0004-voiceid-speakers-fraudsters.js';
import * as m0005 from './0005-voiceid-jobs.js';
import * as m0006 from './0006-speech-accounts.js';
import * as m0007 from './0007-speech-jobs.js';
import * as m0008 from './0008-identity-claims-fold.js';
import * as m0009 from './0009-server-instances.js';
import * as m0010 from './0010-job-queue.js';
import * as m0011 from './0011-speech-job-domain-results.js';
import * as m0012 from './0012-voiceid-sessions.js';

/** Every migration, in order. Names are fixed forever once released. */
export const MIGRATIONS: Readonly<Record<string, Migration>> = {
  '0001-access-keys-and-server-secrets': m0001,
  '0002-identity-store': m0002,
  '0003-keys-and-voiceid': m0003,
  '0004-voiceid-speakers-fraudsters': m0004,
  '0005-voiceid-jobs': m0005,
  '0006-speech-accounts': m0006,
  '0007-speech-jobs': m0007,
  '0008-identity-claims-fold': m0008,
  '0009-server-instances': m0009,
  '0010-job-queue': m0010,
  '0011-speech-job-domain-results': m0011,
  '0012-voiceid-sessions': m0012,
};
