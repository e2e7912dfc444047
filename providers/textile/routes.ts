import Router from '@koa/router';
import type { Context } from 'koa';
import { GatewayError } from '../../src/errors';
import { requestInput } from '../../src/http/input';
import { jsonBody } from '../../src/http/json-body';
import { noStore } from '../../src/http/token-response';
import type { TextileService } from './service';

/** Thin Koa adapters over the service, which validates every field; answers carry `no-store`. */
export function textileRoutes(service: TextileService): Router {
  const router = new Router();
  const answer = (ctx: Context, body: object) => {
    noStore(ctx);
    ctx.body = body;
  };

  router.get('/token', async (ctx) => {
    const { id, ident } = requestInput(ctx);
    // `ident` is the tutorial's alias: used when `id` is absent or empty.
    const alias = (id === undefined || id === '') && ident !== undefined;
    answer(ctx, await service.tokenForPrivateKey(alias ? ident : id, alias ? 'ident' : 'id'));
  });

  router.post('/token/challenge', jsonBody(), async (ctx) => {
    answer(ctx, await service.openChallenge(requestInput(ctx).publicKey));
  });

  router.post('/token', jsonBody(), async (ctx) => {
    const { challengeId, signature } = requestInput(ctx);
    answer(ctx, await service.answerChallenge(challengeId, signature));
  });

  router.get('/token/ws', () => {
    throw new GatewayError(
      'invalid_request',
      'open this route as a WebSocket (Upgrade: websocket)',
    );
  });

  return router;
}
