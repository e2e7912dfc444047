import { errorStatus, type ErrorCode } from '../errors';
import { componentsPrefix, type JsonSchema } from './json-schema';

/** `components.headers`: the header every answer carries. */
export const headerComponents = {
  'X-Request-Id': {
    description: "The request's id: the caller's `X-Request-Id` when it is sane, else a new one",
    required: true,
    schema: { type: 'string' },
  },
};

export const requestIdHeader = { $ref: '#/components/headers/X-Request-Id' };

const retryAfter = (required: boolean) => ({
  description: 'Seconds until a retry may succeed',
  required,
  schema: { type: 'string', pattern: '^\\d+$' },
});

const rateLimitHeader = (description: string) => ({ description, schema: { type: 'string' } });

/** What each code means, an example message, and the headers it comes with. */
const errors: Record<
  ErrorCode,
  { description: string; example: string; field?: string; headers?: Record<string, JsonSchema> }
> = {
  invalid_request: {
    example: 'channel is required',
    field: 'channel',
    description:
      'A field, the JSON body or the request head is invalid (`field` names it); also Node-level framing errors',
  },
  unauthorized: {
    example: 'a bearer token is required',
    description: 'No credential, or an invalid one',
    headers: {
      'WWW-Authenticate': {
        description: 'The scheme (and realm) to authenticate with',
        required: true,
        schema: { type: 'string' },
      },
    },
  },
  forbidden: {
    example: "no grant of the policy applies to the caller's claims",
    field: 'type',
    description: 'The credential is valid but does not allow this',
  },
  not_found: {
    example: 'no route matches this path; GET /api/providers lists them',
    description: 'No such route or resource; the path is never echoed',
  },
  method_not_allowed: {
    example: 'this route answers HEAD, GET',
    description: 'The route exists for other methods',
    headers: {
      Allow: { description: 'The methods it answers', required: true, schema: { type: 'string' } },
    },
  },
  request_timeout: {
    example: 'the request was not received in time',
    description: 'The request was not received in time',
  },
  payload_too_large: {
    example: 'request body is larger than 16384 bytes',
    description: 'The body is larger than the limit (also once decompressed)',
  },
  unsupported_media_type: {
    example: 'send the body as application/json',
    description:
      'The body is not `application/json`, or its `Content-Encoding` is not identity, gzip or deflate',
  },
  rate_limited: {
    example: 'too many requests; retry later',
    description:
      'Over a request budget (per client address, per principal, or of failed secret checks)',
    headers: {
      'Retry-After': retryAfter(true),
      'RateLimit-Limit': rateLimitHeader('Requests allowed per window'),
      'RateLimit-Remaining': rateLimitHeader('Requests left in this window'),
      'RateLimit-Reset': rateLimitHeader('Seconds until the window resets'),
    },
  },
  headers_too_large: {
    example: 'the request headers are too large',
    description: 'Too many or too large header fields',
  },
  internal_error: {
    example: 'internal error (request 5b0c9e4e-8d1a-4c43-9a57-0f3f0c2b9d11)',
    description: 'Unexpected; the message holds only the request id',
  },
  upstream_error: {
    example: 'the upstream answered badly',
    description: 'An upstream service failed or answered badly',
  },
  unavailable: {
    example: 'the shared store (Redis) is unavailable',
    description: 'A dependency (the store, an issuer, a hub) is out of reach; retry later',
    headers: { 'Retry-After': retryAfter(false) },
  },
  upstream_timeout: {
    example: 'the upstream did not answer in time',
    description: 'An upstream service did not answer in time',
  },
};

/** `components.responses`: one per error code, its envelope's `code` fixed to it. */
export const errorResponses = Object.fromEntries(
  Object.entries(errors).map(([code, { description, example, field, headers }]) => [
    code,
    {
      description: `\`${code}\` (${errorStatus[code as ErrorCode]}): ${description}`,
      headers: { 'X-Request-Id': requestIdHeader, ...headers },
      content: {
        'application/json': {
          schema: {
            allOf: [
              { $ref: `${componentsPrefix}ErrorEnvelope` },
              {
                type: 'object',
                properties: { error: { type: 'object', properties: { code: { const: code } } } },
              },
            ],
          },
          example: {
            error: { code, message: example, ...(field ? { field } : {}) },
            requestId: '5b0c9e4e-8d1a-4c43-9a57-0f3f0c2b9d11',
          },
        },
      },
    },
  ]),
);
