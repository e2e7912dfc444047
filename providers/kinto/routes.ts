import Router from '@koa/router';
import type { Context } from 'koa';
import type { Dispatcher } from 'undici';
import { z } from 'zod';
import { GatewayError } from '../../src/errors';
import { parseInput, requestInput } from '../../src/http/input';
import { jsonBody } from '../../src/http/json-body';
import { noStore, sendToken } from '../../src/http/token-response';
import type { ProviderDeps } from '../../src/provider';
import type { SessionStore } from '../../src/session-store';
import type { KintoSetup } from './config-file';
import type { CheckClient } from './credentials';
import { createForwarder } from './forward';
import { sessionTokenHeader, unauthorized } from './session-headers';

/** What the routes work with, created once per gateway. */
export interface KintoRouteDeps {
  setup: KintoSetup;
  sessions: SessionStore;
  checkClient: CheckClient;
  dispatcher: Dispatcher;
  maxBodyBytes: number;
  deps: ProviderDeps;
}

export const credentialsSchema = z.object({
  clientId: z.string().min(1).max(256),
  clientSecret: z.string().min(1).max(1024),
});

const tokenOf = (ctx: Context) => {
  const match = /^Bearer +(\S+) *$/i.exec(ctx.get(sessionTokenHeader));
  if (!match) throw unauthorized('send the session token as Kinto-Authorization: Bearer <token>');
  return match[1]!;
};

/**
 * The provider's routes: session tokens for registered clients, the session itself, and the
 * proxy to the services, with a session or (for public services) without.
 */
export function kintoRoutes(r: KintoRouteDeps): Router {
  const { setup, sessions, deps } = r;
  const router = new Router();
  const tokens = deps.metrics.counter(
    'tokengate_kinto_tokens_total',
    'Session token requests by outcome',
    ['outcome'],
  );

  const authenticate = async (ctx: Context) => {
    const token = tokenOf(ctx);
    const session = await sessions.get(token);
    if (!session) throw unauthorized('the session token is invalid or expired');
    await deps.limits.principal(ctx, `session:${session.id}`);
    return { token, session };
  };

  const forward = createForwarder(r);

  router.post('/token', jsonBody(), async (ctx) => {
    const { clientId, clientSecret } = parseInput(credentialsSchema, requestInput(ctx));
    await deps.limits.beforeSecretCheck(ctx);
    const client = await r.checkClient(clientId, clientSecret);
    if (!client) {
      await deps.limits.secretCheckFailed(ctx);
      tokens.inc({ outcome: 'rejected' });
      deps.logger.info('client credentials rejected', {
        clientId: setup.clients.has(clientId) ? clientId : '(unknown)',
      });
      throw unauthorized('invalid client id or secret');
    }
    await deps.limits.principal(ctx, `client:${client.clientId}`);
    const { token } = await sessions.create(client.clientId);
    tokens.inc({ outcome: 'issued' });
    sendToken(ctx, deps.clock, {
      token,
      tokenType: 'Bearer',
      expiresIn: sessions.ttlMs / 1000,
    });
  });

  router.get('/session', async (ctx) => {
    const { session } = await authenticate(ctx);
    noStore(ctx);
    const iso = (ms: number) => new Date(ms).toISOString();
    ctx.body = {
      clientId: session.clientId,
      createdAt: iso(session.createdAt),
      lastUsedAt: iso(session.lastUsedAt),
      expiresAt: iso(session.expiresAt),
      expiresIn: Math.max(0, Math.floor((session.expiresAt - deps.clock.now()) / 1000)),
      data: session.data,
    };
  });

  router.delete('/session', async (ctx) => {
    if (!(await sessions.end(tokenOf(ctx)))) {
      throw unauthorized('the session token is invalid or expired');
    }
    ctx.status = 204;
  });

  router.all('/services/:service{/*rest}', async (ctx) => {
    const session = await authenticate(ctx);
    const service = setup.services.get(ctx.params.service!);
    if (!service) throw new GatewayError('not_found', 'no such service');
    // The upstream path is what follows /api/kinto/services/:service (4 segments).
    await forward(ctx, service, 4, session);
  });

  router.all('/public/:clientId/:service{/*rest}', async (ctx) => {
    const service = setup.services.get(ctx.params.service!);
    if (!setup.clients.has(ctx.params.clientId!) || !service?.public) {
      throw new GatewayError('not_found', 'no such public service for this client id');
    }
    // The upstream path is what follows /api/kinto/public/:clientId/:service (5 segments).
    await forward(ctx, service, 5);
  });

  return router;
}
