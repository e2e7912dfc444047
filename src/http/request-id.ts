import { randomUUID } from 'node:crypto';
import type { Middleware } from 'koa';

const sane = /^[A-Za-z0-9._:-]{1,128}$/;

/** Reuses a well-formed `X-Request-Id` from the caller, otherwise makes one. */
export const requestId = (): Middleware => async (ctx, next) => {
  const given = ctx.get('X-Request-Id');
  ctx.state.requestId = sane.test(given) ? given : randomUUID();
  ctx.set('X-Request-Id', ctx.state.requestId);
  await next();
};
