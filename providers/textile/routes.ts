import Router from '@koa/router';
import type { Context } from 'koa';
import { z } from 'zod';
import { GatewayError } from '../../src/errors';
import { parseInput, requestInput } from '../../src/http/input';
import { jsonBody } from '../../src/http/json-body';
import { noStore } from '../../src/http/token-response';
import type { TextileService } from './service';

const required = (field: string) =>
  z.string({ message: `${field} must be a string` }).min(1, `${field} is required`);

const challengeRequest = z.object({ publicKey: required('publicKey') });
const answerRequest = z.object({
  challengeId: required('challengeId'),
  signature: required('signature'),
});

/** Thin Koa adapters over the service; every answer carries `no-store`. */
export function textileRoutes(service: TextileService): Router {
  const router = new Router();
  const answer = (ctx: Context, body: object) => {
    noStore(ctx);
    ctx.body = body;
  };

  router.get('/token', async (ctx) => {
    const input = requestInput(ctx);
    const field = input.id !== undefined || input.ident === undefined ? 'id' : 'ident';
    const value = input[field];
    answer(ctx, await service.tokenForPrivateKey(Array.isArray(value) ? undefined : value, field));
  });

  router.post('/token/challenge', jsonBody(), async (ctx) => {
    const { publicKey } = parseInput(challengeRequest, requestInput(ctx));
    answer(ctx, await service.openChallenge(publicKey));
  });

  router.post('/token', jsonBody(), async (ctx) => {
    const { challengeId, signature } = parseInput(answerRequest, requestInput(ctx));
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
