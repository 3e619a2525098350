/**
 * The AWS JSON 1.0/1.1 front door: SigV4, framing, model validation, dispatch.
 *
 * ### Examples
 * ```ts
 * await app.register(awsJsonDoor, { services: [identityStore, voiceId], accessKeys, maxBodyBytes, clockSkewSeconds });
 * ```
 */
export { awsJsonDoor, type AwsJsonDoorOptions } from './aws-json-door.js';
export {
  defineAwsService,
  type AwsService,
  type AwsServiceModel,
  type AwsCallContext,
  type AwsHandlers,
} from './aws-service.js';
