import type { Context } from 'koa';
import type { Clock } from '../clock';

/** Marks a response as holding a credential: never stored by browsers or proxies. */
export function noStore(ctx: Context): void {
  ctx.set('Cache-Control', 'no-store');
  ctx.set('Pragma', 'no-cache');
}

/** The contract's token answer: the provider's fields plus `expiresIn` and `expiresAt`. */
export function sendToken(
  ctx: Context,
  clock: Clock,
  answer: { token: string; expiresIn: number } & Record<string, unknown>,
): void {
  noStore(ctx);
  // Set directly: Koa would otherwise look the JSON type up by name on every answer.
  ctx.set('Content-Type', 'application/json; charset=utf-8');
  const expiresIn = Math.max(0, Math.floor(answer.expiresIn));
  ctx.body = {
    ...answer,
    expiresIn,
    expiresAt: new Date(clock.now() + expiresIn * 1000).toISOString(),
  };
}
