import type { Context, Middleware } from 'koa';
import type { Logger } from '../logger';
import type { Metrics } from '../metrics';

/**
 * The route pattern a request matched (`/api/kinto/services/:service{/*rest}`), never its raw
 * path: a path may carry a secret (`/api/textile/token/<private key>`).
 */
export function routeOf(ctx: Context): string {
  const matched = (ctx as { _matchedRoute?: unknown })._matchedRoute;
  if (typeof matched === 'string') return matched;
  const provider: string | undefined = ctx.state.provider;
  return provider ? `/api/${provider}/*` : '(unmatched)';
}

/**
 * One line per request, naming the route pattern rather than the path, and never the query
 * string: either may carry private keys or tokens.
 */
export const accessLog =
  (logger: Logger, metrics: Metrics): Middleware =>
  async (ctx, next) => {
    const started = process.hrtime.bigint();
    try {
      await next();
    } finally {
      const ms = Number(process.hrtime.bigint() - started) / 1e6;
      const provider: string | undefined = ctx.state.provider;
      logger.info('request', {
        method: ctx.method,
        route: routeOf(ctx),
        status: ctx.status,
        ms: Math.round(ms * 10) / 10,
        provider,
        requestId: ctx.state.requestId,
      });
      metrics.increment('tokengate_requests_total', {
        provider: provider ?? 'core',
        status: String(ctx.status),
      });
    }
  };
