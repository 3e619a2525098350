/**
 * Errors of the speaker verification engine (src/engines/speaker): voiceprints and model files.
 * The Voice ID front door maps them to its wire errors where a request meets them; on the
 * command line they print by name.
 */
import { defineErrors, type ApiUsage } from '../error-definition.js';

const server: readonly ApiUsage[] = [{ api: 'server', category: 'Speaker engine' }];

export const speakerErrors = defineErrors({
  SpeakerModelMismatch: {
    name: 'SpeakerModelMismatch',
    status: 409,
    message:
      'The voiceprint was made by speaker model {voiceprintModel}, this server runs {serverModel}: enroll the speaker again',
    params: {
      voiceprintModel: { type: 'str', description: 'The model version the voiceprint carries.' },
      serverModel: { type: 'str', description: 'The version of the loaded speaker model.' },
    },
    fields: {},
    description:
      'A stored voiceprint was scored or searched with a speaker model of another version; scores across models mean nothing, so it is refused instead.',
    apis: server,
  },
  VoiceprintMalformed: {
    name: 'VoiceprintMalformed',
    status: 500,
    message: 'The voiceprint bytes cannot be read: {detail}',
    params: { detail: { type: 'str', description: 'What is wrong with the bytes.' } },
    fields: {},
    description:
      'Stored voiceprint bytes are not a voiceprint of any speaker model (truncated, corrupted or another format).',
    apis: server,
  },
  SpeakerModelUnreadable: {
    name: 'SpeakerModelUnreadable',
    status: 500,
    message: 'The speaker model in {dir} cannot be loaded: {detail}',
    params: {
      dir: { type: 'str', description: 'The model directory.' },
      detail: { type: 'str', description: 'Which file is missing or inconsistent.' },
    },
    fields: {},
    description: 'The speaker model files are missing, truncated or inconsistent.',
    apis: server,
  },
});
