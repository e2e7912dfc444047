import { createHash, timingSafeEqual } from 'node:crypto';
import type { Middleware } from 'koa';
import { GatewayError } from '../../src/errors';

const digest = (value: string) => createHash('sha256').update(value).digest();

/**
 * Admits only `Authorization: Bearer <adminKey>`. Both sides are hashed first so the
 * comparison takes the same time whatever the presented key's length.
 */
export function requireAdmin(authorization: string, adminKey: string | undefined): void {
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

/** Koa middleware admitting only the admin key, before any body is read. */
export const adminOnly =
  (adminKey: string | undefined): Middleware =>
  (ctx, next) => {
    requireAdmin(ctx.get('Authorization'), adminKey);
    return next();
  };
