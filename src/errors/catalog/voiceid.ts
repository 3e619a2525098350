/**
 * Errors of the Voice ID API (`VoiceID.*`). `ConflictException` carries `ConflictType`, whose ten
 * values and, where the seed gives them, messages come verbatim from
 * `seeds/voiceid-conflict-exception.txt`. Voice ID errors have no RequestId member (model).
 */
import { defineErrors, type ApiUsage, type ErrorDefinition } from '../error-definition.js';

const api = (category: string): readonly ApiUsage[] => [{ api: 'voiceid', category }];

export const CONFLICT_TYPES = [
  'ANOTHER_ACTIVE_STREAM',
  'DOMAIN_NOT_ACTIVE',
  'CANNOT_CHANGE_SPEAKER_AFTER_ENROLLMENT',
  'ENROLLMENT_ALREADY_EXISTS',
  'SPEAKER_NOT_SET',
  'SPEAKER_OPTED_OUT',
  'CONCURRENT_CHANGES',
  'DOMAIN_LOCKED_FROM_ENCRYPTION_UPDATES',
  'CANNOT_DELETE_NON_EMPTY_WATCHLIST',
  'FRAUDSTER_MUST_BELONG_TO_AT_LEAST_ONE_WATCHLIST',
] as const;
export type ConflictType = (typeof CONFLICT_TYPES)[number];

const RESOURCE_TYPES = [
  'BATCH_JOB',
  'COMPLIANCE_CONSENT',
  'DOMAIN',
  'FRAUDSTER',
  'SESSION',
  'SPEAKER',
  'WATCHLIST',
] as const;

function conflict(
  type: ConflictType,
  message: string,
  description: string,
): Omit<ErrorDefinition<never>, 'id'> {
  return {
    name: 'ConflictException',
    status: 409,
    message,
    params: {},
    fields: {
      ConflictType: {
        source: { const: type },
        description: 'The type of conflict which caused a ConflictException.',
        values: CONFLICT_TYPES,
      },
    },
    description,
    apis: api('Conflict'),
  };
}

export const voiceIdErrors = defineErrors({
  VoiceIdConflictAnotherActiveStream: conflict(
    'ANOTHER_ACTIVE_STREAM',
    'There is already an active audio stream for this session.',
    'Starting a stream for a Voice ID session that already has an active audio stream.',
  ),
  VoiceIdConflictDomainNotActive: conflict(
    'DOMAIN_NOT_ACTIVE',
    'The domain is not active.',
    'Any domain-scoped call while the domain is PENDING (its key being set up) or SUSPENDED (its key disabled).',
  ),
  VoiceIdConflictCannotChangeSpeaker: conflict(
    'CANNOT_CHANGE_SPEAKER_AFTER_ENROLLMENT',
    'You cannot change the speaker ID after an enrollment has been requested.',
    'Changing the speaker of a session after its enrollment was requested.',
  ),
  VoiceIdConflictEnrollmentExists: conflict(
    'ENROLLMENT_ALREADY_EXISTS',
    'There is already an enrollment for this session.',
    'A second enrollment request in the same session.',
  ),
  VoiceIdConflictSpeakerNotSet: conflict(
    'SPEAKER_NOT_SET',
    'You must set the speaker ID before requesting an enrollment.',
    'An enrollment request in a session whose speaker was never set.',
  ),
  VoiceIdConflictSpeakerOptedOut: conflict(
    'SPEAKER_OPTED_OUT',
    'You cannot request an enrollment for an opted out speaker.',
    'An enrollment request for a speaker in OPTED_OUT status.',
  ),
  VoiceIdConflictConcurrentChanges: conflict(
    'CONCURRENT_CHANGES',
    'The request could not be processed as the resource was modified by another request during execution.',
    'A write lost an optimistic-concurrency race with another change of the same resource.',
  ),
  VoiceIdConflictEncryptionLocked: conflict(
    'DOMAIN_LOCKED_FROM_ENCRYPTION_UPDATES',
    'The domain is locked from encryption updates while a previous server-side encryption update is in progress.',
    "UpdateDomain changing the domain's KMS key while a previous re-encryption is still IN_PROGRESS.",
  ),
  VoiceIdConflictNonEmptyWatchlist: conflict(
    'CANNOT_DELETE_NON_EMPTY_WATCHLIST',
    'The watchlist has fraudsters associated with it; disassociate or delete them before deleting the watchlist.',
    'DeleteWatchlist on a watchlist that still has fraudsters.',
  ),
  VoiceIdConflictFraudsterNeedsWatchlist: conflict(
    'FRAUDSTER_MUST_BELONG_TO_AT_LEAST_ONE_WATCHLIST',
    'A fraudster must belong to at least one watchlist.',
    "DisassociateFraudster from the fraudster's only watchlist.",
  ),
  VoiceIdValidation: {
    name: 'ValidationException',
    status: 400,
    message: '{detail}',
    params: {
      detail: {
        type: 'str',
        description: 'What is invalid, in the AWS wording ("1 validation error detected: ...").',
      },
    },
    fields: {},
    description: 'The request failed to satisfy the constraints of the model or of the operation.',
    apis: api('Validation'),
  },
  VoiceIdResourceNotFound: {
    name: 'ResourceNotFoundException',
    status: 404,
    message: '{resourceTypeText} {resourceId} does not exist',
    params: {
      resourceType: { type: 'str', description: 'One of the ResourceType values.' },
      resourceTypeText: { type: 'str', description: 'The resource type in words, e.g. "Domain".' },
      resourceId: { type: 'str', description: 'The id that was not found.' },
    },
    fields: {
      ResourceType: {
        source: { param: 'resourceType' },
        description: 'The type of resource that was not found.',
        values: RESOURCE_TYPES,
      },
    },
    description: 'A resource named by the request does not exist (or was deleted).',
    apis: api('Not found'),
  },
  VoiceIdServiceQuotaExceeded: {
    name: 'ServiceQuotaExceededException',
    status: 402,
    message: 'The {quota} quota of {limit} is reached',
    params: {
      quota: { type: 'str', description: 'The quota that would be exceeded.' },
      limit: { type: 'int', description: 'Its configured value.' },
    },
    fields: {},
    description: 'The request would exceed a configured quota.',
    apis: api('Quota'),
  },
  VoiceIdAccessDenied: {
    name: 'AccessDeniedException',
    status: 403,
    message: 'The access key {accessKeyId} may not call {operation}',
    params: {
      accessKeyId: { type: 'str', description: 'The access key id that signed the request.' },
      operation: { type: 'str', description: 'The operation requested.' },
    },
    fields: {},
    description: 'The signing credentials are valid but may not use this operation.',
    apis: api('Access'),
  },
  VoiceIdThrottling: {
    name: 'ThrottlingException',
    status: 429,
    message: 'Rate exceeded',
    params: {},
    fields: {},
    retryable: true,
    description: 'Too many requests; retry later.',
    apis: api('Throttling'),
  },
  VoiceIdInternal: {
    name: 'InternalServerException',
    status: 500,
    message:
      'The request processing has failed because of an unknown error, exception or failure. Quote request id {requestId} when reporting it.',
    params: {
      requestId: {
        type: 'str',
        description: 'The request id, also in the x-amzn-RequestId header and the log.',
      },
    },
    fields: {},
    retryable: true,
    description:
      'An unexpected failure inside Voxgate; the detail is in the server log under the request id, never in the response.',
    apis: api('Internal'),
  },
});
