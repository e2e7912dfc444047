import { createHash, timingSafeEqual } from 'node:crypto';
import type { Context, Middleware } from 'koa';
import { GatewayError } from '../../src/errors';
import type { RateLimits } from '../../src/rate-limits';

const digest = (value: string) => createHash('sha256').update(value).digest();

/**
 * Admits only `Authorization: Bearer <adminKey>`. Both sides are hashed first so the
 * comparison takes the same time whatever the presented key's length.
 */
function requireAdmin(authorization: string, adminKey: string | undefined): void {
  if (adminKey === undefined) {
    throw new GatewayError('forbidden', 'Chat app tokens are disabled: AGORA_ADMIN_KEY is not set');
  }
  const presented = /^Bearer[ ]+(\S+)\s*$/i.exec(authorization)?.[1] ?? '';
  if (!timingSafeEqual(digest(presented), digest(adminKey))) {
    throw new GatewayError(
      'unauthorized',
      'send Authorization: Bearer <AGORA_ADMIN_KEY>',
      undefined,
      { 'WWW-Authenticate': 'Bearer realm="tokengate-agora"' },
    );
  }
}

/** {@link requireAdmin} within the failed-attempt budget: wrong keys count, and over it, 429. */
export async function checkAdmin(
  ctx: Context,
  adminKey: string | undefined,
  limits: RateLimits,
): Promise<void> {
  await limits.beforeSecretCheck(ctx);
  try {
    requireAdmin(ctx.get('Authorization'), adminKey);
  } catch (error) {
    if ((error as GatewayError).code === 'unauthorized') await limits.secretCheckFailed(ctx);
    throw error;
  }
}

/** Koa middleware admitting only the admin key, before any body is read. */
export const adminOnly =
  (adminKey: string | undefined, limits: RateLimits): Middleware =>
  async (ctx, next) => {
    await checkAdmin(ctx, adminKey, limits);
    return next();
  };
