import Router from '@koa/router';
import type { Middleware } from 'koa';
import type { Clock } from '../../src/clock';
import { noStore, sendToken } from '../../src/http/token-response';
import type { TokenService } from './token-service';

/** `GET /token` under `/api/bentley`, answering the contract's JSON token shape. */
export function tokenRouter(service: TokenService, authenticate: Middleware, clock: Clock) {
  const router = new Router();
  router.get('/token', authenticate, async (ctx) => {
    const { token, tokenType, expiresIn, scope } = await service.getToken();
    sendToken(ctx, clock, { token, tokenType, expiresIn, scope });
  });
  return router;
}

/** `GET /getToken` at the root: the iTwin mobile sample's `Bearer <token>` text answer. */
export function compatRouter(service: TokenService, authenticate: Middleware) {
  const router = new Router();
  router.get('/getToken', authenticate, async (ctx) => {
    const { token, tokenType } = await service.getToken();
    noStore(ctx);
    ctx.type = 'text/plain';
    ctx.body = `${tokenType} ${token}`;
  });
  return router;
}
