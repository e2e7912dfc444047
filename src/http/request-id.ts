import { randomUUID } from 'node:crypto';
import type { Middleware } from 'koa';

const sane = /^[A-Za-z0-9._:-]{1,128}$/;

/** A well-formed `X-Request-Id` sent by the caller, otherwise a new one. */
export const requestIdOf = (given: string | string[] | undefined): string =>
  typeof given === 'string' && sane.test(given) ? given : randomUUID();

/** Reuses a well-formed `X-Request-Id` from the caller, otherwise makes one. */
export const requestId = (): Middleware => async (ctx, next) => {
  ctx.state.requestId = requestIdOf(ctx.req.headers['x-request-id']);
  ctx.set('X-Request-Id', ctx.state.requestId);
  await next();
};
