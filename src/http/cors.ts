import koaCors from '@koa/cors';
import type { Middleware } from 'koa';

const allowHeaders = ['Authorization', 'Content-Type', 'Kinto-Authorization', 'X-Request-Id'];
const exposeHeaders = [
  'X-Request-Id',
  'Retry-After',
  'WWW-Authenticate',
  'RateLimit-Limit',
  'RateLimit-Remaining',
  'RateLimit-Reset',
];

/**
 * CORS for the origins in `CORS_ORIGINS` (`*` allows any), by @koa/cors; preflights are
 * answered here. Without origins there is nothing to allow, and nothing is mounted.
 */
export function cors(origins: readonly string[]): Middleware | undefined {
  if (origins.length === 0) return undefined;
  const any = origins.includes('*');
  const allowed = new Set(origins);
  return koaCors({
    origin: (ctx) => (any ? '*' : allowed.has(ctx.get('Origin')) ? ctx.get('Origin') : ''),
    allowMethods: ['GET', 'HEAD', 'PUT', 'POST', 'DELETE', 'PATCH', 'OPTIONS'],
    allowHeaders,
    exposeHeaders,
    maxAge: 600,
  });
}
