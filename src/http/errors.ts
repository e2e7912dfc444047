import type { Context, Middleware } from 'koa';
import { GatewayError, errorEnvelope, errorStatus, type ErrorCode } from '../errors';
import type { Logger } from '../logger';

const codeByStatus = Object.fromEntries(
  Object.entries(errorStatus).map(([code, status]) => [status, code as ErrorCode]),
) as Record<number, ErrorCode>;

/** Errors thrown by Koa and its libraries carry a status and an `expose` flag. */
interface HttpLikeError {
  status?: number;
  expose?: boolean;
}

function toGatewayError(error: unknown): GatewayError | undefined {
  if (error instanceof GatewayError) return error;
  const { status, expose } = (error ?? {}) as HttpLikeError;
  if (!expose || status === undefined || status >= 500) return undefined;
  return new GatewayError(codeByStatus[status] ?? 'invalid_request', 'request was rejected');
}

/**
 * What the routers left unanswered: no route (never echoing the path, which may carry a
 * secret), or a route that exists for other methods (the router has set `Allow`).
 */
function unanswered(ctx: Context): GatewayError | undefined {
  if (ctx.respond === false || (ctx.body !== undefined && ctx.body !== null)) return undefined;
  if (ctx.status === 404) {
    return new GatewayError(
      'not_found',
      'no route matches this path; GET /api/providers lists them',
    );
  }
  if (ctx.status === 405 || ctx.status === 501) {
    const allow = ctx.response.get('Allow');
    return new GatewayError(
      'method_not_allowed',
      `this route answers ${allow || 'other methods'}`,
      undefined,
      { Allow: allow },
    );
  }
  return undefined;
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
      const error = unanswered(ctx);
      if (error) throw error;
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
      ctx.body = errorEnvelope(error, requestId);
    }
  };
