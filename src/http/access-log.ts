import type { Context, Middleware } from 'koa';
import type { RootLogger } from '../logger';
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
export function accessLog(logger: RootLogger, metrics: Metrics): Middleware {
  const requests = metrics.counter('tokengate_requests_total', 'Requests answered', [
    'provider',
    'status',
  ]);
  const durations = metrics.histogram(
    'tokengate_http_request_duration_seconds',
    'Time to answer, by provider, route pattern and status class',
    ['provider', 'route', 'status_class'],
  );
  return async (ctx, next) => {
    const started = process.hrtime.bigint();
    try {
      await next();
    } finally {
      const ms = Number(process.hrtime.bigint() - started) / 1e6;
      const provider: string | undefined = ctx.state.provider;
      const route = routeOf(ctx);
      const status = ctx.status;
      logger.request({
        method: ctx.method,
        route,
        status,
        ms: Math.round(ms * 10) / 10,
        provider,
        requestId: ctx.state.requestId,
      });
      const labels = { provider: provider ?? 'core', status };
      requests.inc(labels);
      durations.observe(
        { provider: labels.provider, route, status_class: `${Math.floor(status / 100)}xx` },
        ms / 1000,
      );
    }
  };
}
