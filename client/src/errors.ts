/**
 * What went wrong, as the gateway said it: `code` is the gateway's error code
 * (`invalid_request`, `unauthorized`, `rate_limited`…) or one of the client's own:
 * `network_error` (the gateway could not be reached), `invalid_response` (an answer that is
 * not the gateway's JSON), `caller_token` (the `callerToken` function failed), `logged_out`
 * (a Kinto connection used after `logout()`).
 */
export class TokengateError extends Error {
  /** The gateway's or the client's error code. */
  readonly code: string;
  /** The HTTP status; 0 when no HTTP answer was received (network, WebSocket, client-side). */
  readonly status: number;
  /** The request field the gateway blames, when it names one. */
  readonly field: string | undefined;
  /** The gateway's request id, to quote when reporting a problem. */
  readonly requestId: string | undefined;
  /** Seconds the gateway asked to wait before trying again (`Retry-After`). */
  readonly retryAfter: number | undefined;

  constructor(
    code: string,
    message: string,
    details: { status?: number; field?: string; requestId?: string; retryAfter?: number } = {},
  ) {
    super(message);
    this.name = 'TokengateError';
    this.code = code;
    this.status = details.status ?? 0;
    this.field = details.field;
    this.requestId = details.requestId;
    this.retryAfter = details.retryAfter;
  }
}

/** The message of something thrown, for an error of ours that wraps it. */
export const reasonOf = (error: unknown) =>
  error instanceof Error ? error.message : String(error);

interface ErrorEnvelope {
  error?: { code?: unknown; message?: unknown; field?: unknown };
  requestId?: unknown;
}

const text = (value: unknown) => (typeof value === 'string' ? value : undefined);

/** The error a failed gateway answer stands for, read from the contract's error envelope. */
export async function errorFromResponse(response: Response): Promise<TokengateError> {
  const retryAfter = Number(response.headers.get('retry-after') ?? NaN);
  const details = {
    status: response.status,
    requestId: response.headers.get('x-request-id') ?? undefined,
    retryAfter: Number.isFinite(retryAfter) ? retryAfter : undefined,
  };
  let envelope: ErrorEnvelope | undefined;
  try {
    envelope = (await response.json()) as ErrorEnvelope;
  } catch {
    // not the gateway's JSON: described below
  }
  const code = text(envelope?.error?.code);
  if (!code) {
    return new TokengateError(
      'invalid_response',
      `the gateway answered ${response.status} without its error body`,
      details,
    );
  }
  return new TokengateError(code, text(envelope?.error?.message) ?? code, {
    ...details,
    field: text(envelope?.error?.field),
    requestId: text(envelope?.requestId) ?? details.requestId,
  });
}
