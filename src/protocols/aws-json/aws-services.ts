/**
 * The AWS services behind the JSON front door, with their handlers. Operations without a
 * handler answer `NotImplementedException` until their issue lands (Identity Store: issue 3,
 * Voice ID: issue 6).
 */
import { catalog } from '../../errors/index.js';
import { defineAwsService, type AwsService } from './aws-service.js';
import * as identityStoreModel from './generated/identitystore-model.js';
import * as voiceIdModel from './generated/voiceid-model.js';

export function identityStoreService(): AwsService {
  return defineAwsService<identityStoreModel.OperationTypes>(
    'identitystore',
    identityStoreModel,
    { validation: catalog.IdentityStoreValidation, internal: catalog.IdentityStoreInternal },
    {},
  );
}

export function voiceIdService(): AwsService {
  return defineAwsService<voiceIdModel.OperationTypes>(
    'voiceid',
    voiceIdModel,
    { validation: catalog.VoiceIdValidation, internal: catalog.VoiceIdInternal },
    {},
  );
}
