import type { Context, Middleware } from 'koa';
import type { ProviderDeps } from '../../src/provider';
import type { AgoraConfig } from './config';
import type { CallerClaims } from './requests';

/** The minting routes' caller check: verified bearer JWTs when configured, else open. */
export interface CallerGate {
  /** Verifies the request's bearer JWT (401/503 otherwise) and keeps its claims in `ctx.state.caller`. */
  middleware: Middleware;
  /**
   * The same check (claims kept in `ctx.state.caller` too) for a route that knows only after
   * reading its body whether it applies.
   */
  verify(ctx: Context): Promise<CallerClaims | undefined>;
}

const open: CallerGate = { middleware: (_ctx, next) => next(), verify: async () => undefined };

export function createCallerGate(config: AgoraConfig, deps: ProviderDeps): CallerGate {
  if (!config.caller) return open;
  const auth = deps.callerAuth(config.caller);
  return {
    middleware: auth.middleware(),
    async verify(ctx) {
      await auth.check(ctx);
      return callerOf(ctx);
    },
  };
}

/** The claims the gate stored; undefined when callers are not verified. */
export const callerOf = (ctx: Context): CallerClaims | undefined => ctx.state.caller;
