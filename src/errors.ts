/** Error codes of the HTTP contract, each with its status. */
export const errorStatus = {
  invalid_request: 400,
  unauthorized: 401,
  forbidden: 403,
  not_found: 404,
  method_not_allowed: 405,
  request_timeout: 408,
  payload_too_large: 413,
  unsupported_media_type: 415,
  rate_limited: 429,
  headers_too_large: 431,
  internal_error: 500,
  upstream_error: 502,
  unavailable: 503,
  upstream_timeout: 504,
} as const;

export type ErrorCode = keyof typeof errorStatus;

/**
 * A failure the gateway means to report. Its message is shown to the client, so it must
 * never contain a secret; unexpected errors are rendered as `internal_error` instead.
 */
export class GatewayError extends Error {
  readonly status: number;

  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly field?: string,
    /** Extra response headers, e.g. `WWW-Authenticate` or `Retry-After`. */
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
    this.name = 'GatewayError';
    this.status = errorStatus[code];
  }
}

/** The shared store (Redis) did not answer in time: the request may be retried shortly. */
export class StoreUnavailableError extends GatewayError {
  constructor() {
    super('unavailable', 'the shared store (Redis) is unavailable', undefined, {
      'Retry-After': '1',
    });
  }
}

export const invalidRequest = (field: string, message: string) =>
  new GatewayError('invalid_request', message, field);

/** The contract's error body. 5xx messages are replaced: only the request id is shown. */
export function errorEnvelope(error: GatewayError, requestId: string) {
  return {
    error: {
      code: error.code,
      message:
        error.code === 'internal_error' ? `internal error (request ${requestId})` : error.message,
      ...(error.field === undefined ? {} : { field: error.field }),
    },
    requestId,
  };
}

/** Raised at boot; every problem is listed, none carries a secret value. */
export class BootError extends Error {
  constructor(readonly problems: string[]) {
    super(`configuration is invalid:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'BootError';
  }
}
