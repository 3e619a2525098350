/**
 * Errors of the AWS JSON front door itself, before any service operation runs: authentication
 * (SigV4), framing and dispatch. Names are the ones AWS's JSON services answer with, so the
 * official SDKs surface them by name (e.g. `InvalidSignatureException`).
 */
import { defineErrors, type ApiUsage } from '../error-definition.js';

const auth: readonly ApiUsage[] = [{ api: 'aws-json', category: 'Authentication' }];
const framing: readonly ApiUsage[] = [
  { api: 'aws-json', category: 'Request framing and dispatch' },
];

export const awsJsonErrors = defineErrors({
  MissingAuthenticationToken: {
    name: 'MissingAuthenticationTokenException',
    status: 403,
    message: 'Missing Authentication Token',
    params: {},
    fields: {},
    description:
      'The request has no Authorization header: every request must be signed with SigV4.',
    apis: auth,
  },
  IncompleteSignature: {
    name: 'IncompleteSignatureException',
    status: 400,
    message: '{detail}',
    params: {
      detail: { type: 'str', description: 'What is missing or malformed in the signature.' },
    },
    fields: {},
    description:
      'The Authorization header, credential scope or signing headers are malformed or incomplete.',
    apis: auth,
  },
  UnrecognizedClient: {
    name: 'UnrecognizedClientException',
    status: 400,
    message: 'The security token included in the request is invalid.',
    params: {},
    fields: {},
    description:
      'The access key id is unknown or revoked, or a session token was sent that Voxgate did not issue.',
    apis: auth,
  },
  SignatureMismatch: {
    name: 'InvalidSignatureException',
    status: 400,
    message:
      'The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details.',
    params: {},
    fields: {},
    description:
      'The signature does not match: wrong secret, or the request was changed after signing.',
    apis: auth,
  },
  SignatureExpired: {
    name: 'InvalidSignatureException',
    status: 400,
    message:
      'Signature expired: {signedAt} is now earlier than {earliest} ({now} - {skewMinutes} min.)',
    params: {
      signedAt: { type: 'str', description: 'The x-amz-date of the request.' },
      earliest: { type: 'str', description: 'The earliest date still accepted.' },
      now: { type: 'str', description: "The server's time." },
      skewMinutes: { type: 'str', description: 'The accepted clock skew in minutes.' },
    },
    fields: {},
    description:
      'The request was signed longer ago than the accepted clock skew (a replay, or a wrong clock).',
    apis: auth,
  },
  SignatureNotYetCurrent: {
    name: 'InvalidSignatureException',
    status: 400,
    message:
      'Signature not yet current: {signedAt} is still later than {latest} ({now} + {skewMinutes} min.)',
    params: {
      signedAt: { type: 'str', description: 'The x-amz-date of the request.' },
      latest: { type: 'str', description: 'The latest date accepted.' },
      now: { type: 'str', description: "The server's time." },
      skewMinutes: { type: 'str', description: 'The accepted clock skew in minutes.' },
    },
    fields: {},
    description: "The request's date is further in the future than the accepted clock skew.",
    apis: auth,
  },
  ContentSha256Mismatch: {
    name: 'InvalidSignatureException',
    status: 400,
    message: "The provided 'x-amz-content-sha256' header does not match what was computed.",
    params: {},
    fields: {},
    description:
      'The body is not the one that was signed (changed in transit, or signed with the wrong hash).',
    apis: auth,
  },
  WrongCredentialScope: {
    name: 'InvalidSignatureException',
    status: 400,
    message: "Credential should be scoped to correct service: '{service}'. ",
    params: { service: { type: 'str', description: 'The signing name the endpoint expects.' } },
    fields: {},
    description: 'The request was signed for another service than the one its X-Amz-Target names.',
    apis: auth,
  },
  UnknownOperation: {
    name: 'UnknownOperationException',
    status: 400,
    message: 'Unknown operation {target}',
    params: {
      target: { type: 'str', description: 'The X-Amz-Target header as received (or "(none)").' },
    },
    fields: {},
    description:
      'X-Amz-Target is missing or names no operation of the Identity Store or Voice ID APIs.',
    apis: framing,
  },
  UnsupportedContentType: {
    name: 'SerializationException',
    status: 400,
    message: "Content-Type '{contentType}' is not supported here: send {expected}",
    params: {
      contentType: { type: 'str', description: 'The Content-Type received.' },
      expected: {
        type: 'str',
        description: 'The content type of the protocol the target belongs to.',
      },
    },
    fields: {},
    description:
      'The Content-Type does not match the protocol of the target (AWS JSON 1.1 or 1.0).',
    apis: framing,
  },
  MalformedJson: {
    name: 'SerializationException',
    status: 400,
    message: 'The request body is not a valid JSON object: {detail}',
    params: { detail: { type: 'str', description: 'Where parsing failed.' } },
    fields: {},
    description: 'The body is not a JSON object.',
    apis: framing,
  },
  WrongMemberType: {
    name: 'SerializationException',
    status: 400,
    message: '{detail}',
    params: {
      detail: { type: 'str', description: 'The member and the JSON type expected there.' },
    },
    fields: {},
    description:
      'A member has the wrong JSON type for its shape (e.g. a string where a number is expected).',
    apis: framing,
  },
  RequestTooLarge: {
    name: 'RequestEntityTooLargeException',
    status: 413,
    message: 'Request body is larger than the limit of {limitBytes} bytes',
    params: { limitBytes: { type: 'int', description: 'The configured limit (maxAwsBodyBytes).' } },
    fields: {},
    description:
      'The body exceeds `maxAwsBodyBytes` (default 1 MiB); the body is not read further.',
    apis: framing,
  },
  NotImplemented: {
    name: 'NotImplementedException',
    status: 501,
    message: 'Operation {operation} is not implemented by this Voxgate server yet',
    params: { operation: { type: 'str', description: 'The operation requested.' } },
    fields: {},
    description:
      'The operation exists in the AWS model but this Voxgate version does not serve it yet.',
    apis: framing,
  },
});
