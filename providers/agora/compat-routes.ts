import Router from '@koa/router';
import type { Context } from 'koa';
import { jsonBody } from '../../src/http/json-body';
import { noStore } from '../../src/http/token-response';
import type { ProviderDeps } from '../../src/provider';
import { adminOnly, checkAdmin } from './admin';
import { callerOf, type CallerGate } from './caller';
import { splitRte, type AgoraCompat } from './compat';
import type { AgoraConfig } from './config';
import type { AgoraIssuer } from './issue';
import type { ChatAppTokenRequest, TokenRequest } from './requests';
import { countIssued, fields } from './routes';

/**
 * Root routes of the reference Agora token servers (the Node one, the Go one), so their
 * clients work unchanged. Only `POST /getToken` is taken: `GET /getToken` belongs to another
 * provider's compatibility set.
 */
export function agoraCompatRouter(
  config: AgoraConfig,
  compat: AgoraCompat,
  issuer: AgoraIssuer,
  gate: CallerGate,
  deps: ProviderDeps,
): Router {
  const router = new Router();
  const send = (ctx: Context, body: Record<string, string>) => {
    noStore(ctx);
    ctx.body = body;
  };
  const mint = (request: TokenRequest | ChatAppTokenRequest) => {
    const { token, type } = issuer.mint(request);
    countIssued(deps, type);
    return token;
  };
  const authorized = <R extends TokenRequest>(ctx: Context, request: R) =>
    issuer.authorize(request, callerOf(ctx));
  const pathAndQuery = (ctx: Context) => ({ ...fields(ctx), ...ctx.params });
  const admin = adminOnly(config.adminKey, deps.limits);

  router.get('/ping', (ctx) => {
    ctx.body = { message: 'pong' };
  });
  router.get('/rtc/:channel/:role/:tokentype/:uid', gate.middleware, (ctx) =>
    send(ctx, { rtcToken: mint(authorized(ctx, compat.rtc(pathAndQuery(ctx)))) }),
  );
  router.get('/rtm/:uid', gate.middleware, (ctx) =>
    send(ctx, { rtmToken: mint(authorized(ctx, compat.rtm(pathAndQuery(ctx)))) }),
  );
  router.get('/rte/:channel/:role/:tokentype/:uid{/:rtmuid}', gate.middleware, (ctx) => {
    const [rtc, rtm] = splitRte(authorized(ctx, compat.rte(pathAndQuery(ctx))));
    send(ctx, { rtcToken: mint(rtc), rtmToken: mint(rtm) });
  });
  router.get('/chat/app', admin, (ctx) =>
    send(ctx, { chatToken: mint(compat.chatApp(pathAndQuery(ctx))) }),
  );
  router.get('/chat/account/:id', gate.middleware, (ctx) =>
    send(ctx, { chatToken: mint(authorized(ctx, compat.chat(pathAndQuery(ctx)))) }),
  );
  // Only the body says whether this is the admin's Chat app token or a caller's token.
  router.post('/getToken', jsonBody(), async (ctx) => {
    const request = compat.getToken(fields(ctx));
    if (request.type === 'chat_app') {
      await checkAdmin(ctx, config.adminKey, deps.limits);
      return send(ctx, { token: mint(request) });
    }
    send(ctx, { token: mint(issuer.authorize(request, await gate.verify(ctx))) });
  });
  return router;
}
