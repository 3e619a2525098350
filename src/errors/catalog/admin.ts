/**
 * Errors of Voxgate's own surfaces: the admin API (`/admin/v1/*`), the operational routes, the
 * command line and start-up. Wire body: `{"error": <name>, "message": <text>, ...params}`.
 */
import { defineErrors, type ApiUsage } from '../error-definition.js';

const admin: readonly ApiUsage[] = [{ api: 'admin', category: 'Admin API' }];
const server: readonly ApiUsage[] = [{ api: 'server', category: 'Server' }];

export const adminErrors = defineErrors({
  AdminTokenRequired: {
    name: 'AdminTokenRequired',
    status: 401,
    message:
      'An admin token is required: send "Authorization: Bearer <token>" (see `voxgate admin credentials`)',
    params: {},
    fields: {},
    description: 'An admin API call came without a bearer token.',
    apis: admin,
  },
  AdminTokenInvalid: {
    name: 'AdminTokenInvalid',
    status: 401,
    message: 'The admin token is not valid',
    params: {},
    fields: {},
    description: 'The bearer token is not the admin token of this server.',
    apis: admin,
  },
  AdminNotFound: {
    name: 'AdminNotFound',
    status: 404,
    message: '{resource} {id} does not exist',
    params: {
      resource: { type: 'str', description: 'The kind of resource.' },
      id: { type: 'str', description: 'Its id.' },
    },
    fields: {},
    description: 'The admin resource named in the path does not exist.',
    apis: admin,
  },
  AdminBadRequest: {
    name: 'AdminBadRequest',
    status: 400,
    message: '{detail}',
    params: {
      detail: { type: 'str', description: 'What is wrong with the request and how to fix it.' },
    },
    fields: {},
    description: 'The admin request body or parameters are invalid.',
    apis: admin,
  },
  RouteNotFound: {
    name: 'RouteNotFound',
    status: 404,
    message:
      'No route {method} {path}; see /openapi.json and the README for the routes this server offers',
    params: {
      method: { type: 'str', description: 'The HTTP method.' },
      path: { type: 'str', description: 'The path requested.' },
    },
    fields: {},
    description: 'No front door serves this method and path.',
    apis: server,
  },
  BodyTooLarge: {
    name: 'BodyTooLarge',
    status: 413,
    message: 'Request body is larger than the limit of {limitBytes} bytes',
    params: { limitBytes: { type: 'int', description: 'The configured limit.' } },
    fields: {},
    description: 'A request body exceeds the limit of its route.',
    apis: server,
  },
  MalformedBody: {
    name: 'MalformedBody',
    status: 400,
    message: 'The request body could not be parsed: {detail}',
    params: { detail: { type: 'str', description: 'What is wrong with it.' } },
    fields: {},
    description: 'A body is not valid for its content type (e.g. invalid JSON).',
    apis: server,
  },
  MalformedHttpRequest: {
    name: 'MalformedHttpRequest',
    status: 400,
    message: 'The HTTP request could not be parsed: {detail}',
    params: { detail: { type: 'str', description: "Node's parser error code." } },
    fields: {},
    description:
      'The bytes received are not a valid HTTP/1.1 request (answered on the raw socket, which is then closed).',
    apis: server,
  },
  UnsupportedMediaType: {
    name: 'UnsupportedMediaType',
    status: 415,
    message: "Content-Type '{contentType}' is not supported by this route",
    params: { contentType: { type: 'str', description: 'The Content-Type received.' } },
    fields: {},
    description: 'The route does not accept this content type.',
    apis: server,
  },
  NotReady: {
    name: 'NotReady',
    status: 503,
    message: 'Not ready: {detail}',
    params: { detail: { type: 'str', description: 'Which dependency failed its check.' } },
    fields: {},
    description: 'GET /ready: storage or an engine is not reachable.',
    apis: server,
  },
  InternalError: {
    name: 'InternalError',
    status: 500,
    message: 'An internal error occurred. Quote request id {requestId} when reporting it.',
    params: {
      requestId: {
        type: 'str',
        description: 'The request id, also in the x-request-id header and the log.',
      },
    },
    fields: {},
    description:
      'An unexpected failure; the detail is in the server log under the request id, never in the response.',
    apis: server,
  },
  InvalidConfiguration: {
    name: 'InvalidConfiguration',
    status: 500,
    message: 'Invalid configuration {key} from {origin}: {detail}',
    params: {
      key: { type: 'str', description: 'The configuration key.' },
      origin: {
        type: 'str',
        description: 'Where the value came from (flag, environment variable, file).',
      },
      detail: { type: 'str', description: 'What is wrong and what is expected.' },
    },
    fields: {},
    description: 'Start-up stops before listening because a configuration value is invalid.',
    apis: server,
  },
});
