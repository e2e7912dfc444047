import type { Middleware } from 'koa';
import { GatewayError, errorStatus, type ErrorCode } from '../errors';
import type { Logger } from '../logger';

const codeByStatus = Object.fromEntries(
  Object.entries(errorStatus).map(([code, status]) => [status, code as ErrorCode]),
) as Record<number, ErrorCode>;

/** Errors thrown by Koa and its body parser carry a status and an `expose` flag. */
interface HttpLikeError {
  status?: number;
  expose?: boolean;
  type?: string;
}

function toGatewayError(error: unknown): GatewayError | undefined {
  if (error instanceof GatewayError) return error;
  const { status, expose, type } = (error ?? {}) as HttpLikeError;
  if (!expose || status === undefined || status >= 500) return undefined;
  if (status === 413) return new GatewayError('payload_too_large', 'request body is too large');
  if (status === 415) return new GatewayError('unsupported_media_type', 'send application/json');
  if (type === 'entity.parse.failed' || status === 400) {
    return new GatewayError('invalid_request', 'request body is not valid JSON', 'body');
  }
  return new GatewayError(codeByStatus[status] ?? 'invalid_request', 'request was rejected');
}

/**
 * Renders every failure as the contract's JSON error. Messages of typed errors are shown;
 * anything unexpected becomes `internal_error` with the request id, its detail only logged.
 */
export const renderErrors =
  (logger: Logger): Middleware =>
  async (ctx, next) => {
    try {
      await next();
      if (ctx.status === 404 && ctx.body === undefined) {
        throw new GatewayError('not_found', `no route for ${ctx.method} ${ctx.path}`);
      }
    } catch (thrown) {
      const requestId: string = ctx.state.requestId;
      const error = toGatewayError(thrown) ?? new GatewayError('internal_error', 'internal error');
      if (error.code === 'internal_error') {
        // The message of an unexpected error may quote a secret: only its type and frames are
        // logged at the usual levels.
        const {
          name,
          message,
          stack = '',
        } = thrown instanceof Error ? thrown : new Error(String(thrown));
        const frames = stack
          .split('\n')
          .slice(1, 8)
          .map((f) => f.trim());
        logger.error('unhandled error', { requestId, error: name, frames });
        logger.debug('unhandled error detail', { requestId, detail: message });
      }
      ctx.status = error.status;
      ctx.set(error.headers);
      ctx.body = {
        error: {
          code: error.code,
          message:
            error.code === 'internal_error'
              ? `internal error (request ${requestId})`
              : error.message,
          ...(error.field === undefined ? {} : { field: error.field }),
        },
        requestId,
      };
    }
  };
