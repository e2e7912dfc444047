import type { Middleware } from 'koa';

const allowHeaders = 'Authorization, Content-Type, Kinto-Authorization, X-Request-Id';

/** CORS for the origins in `CORS_ORIGINS` (`*` allows any); answers preflights itself. */
export const cors = (origins: readonly string[]): Middleware => {
  const any = origins.includes('*');
  const allowed = new Set(origins);
  return async (ctx, next) => {
    const origin = ctx.get('Origin');
    if (origin && (any || allowed.has(origin))) {
      ctx.set('Access-Control-Allow-Origin', any ? '*' : origin);
      ctx.set('Access-Control-Expose-Headers', 'X-Request-Id, Retry-After, WWW-Authenticate');
      if (!any) ctx.vary('Origin');
      if (ctx.method === 'OPTIONS' && ctx.get('Access-Control-Request-Method')) {
        ctx.set('Access-Control-Allow-Methods', 'GET, POST, PUT, PATCH, DELETE, OPTIONS');
        ctx.set('Access-Control-Allow-Headers', allowHeaders);
        ctx.set('Access-Control-Max-Age', '600');
        ctx.status = 204;
        return;
      }
    }
    await next();
  };
};
