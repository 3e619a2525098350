/**
 * Voice ID behind the JSON front door. Its operations have no handlers yet and answer
 * `NotImplementedException` until its issue lands (Identity Store: ./identitystore/).
 */
import { catalog } from '../../errors/index.js';
import { defineAwsService, type AwsService } from './aws-service.js';
import * as voiceIdModel from './generated/voiceid-model.js';

export function voiceIdService(): AwsService {
  return defineAwsService<voiceIdModel.OperationTypes>(
    'voiceid',
    voiceIdModel,
    { validation: catalog.VoiceIdValidation, internal: catalog.VoiceIdInternal },
    {},
  );
}
