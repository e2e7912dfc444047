import type { Middleware } from 'koa';
import type { Logger } from '../logger';
import type { Metrics } from '../metrics';

/**
 * One line per request. The query string is never logged: it may carry private keys or
 * tokens (`/api/textile/token?id=…`), so only the path is written.
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
        path: ctx.path,
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
