import Router from '@koa/router';
import type { Context } from 'koa';
import { jsonBody } from '../../src/http/json-body';
import { noStore } from '../../src/http/token-response';
import type { ProviderDeps } from '../../src/provider';
import { adminOnly, requireAdmin } from './admin';
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
  const pathAndQuery = (ctx: Context) => ({ ...fields(ctx), ...ctx.params });
  const admin = adminOnly(config.adminKey);

  router.get('/ping', (ctx) => {
    ctx.body = { message: 'pong' };
  });
  router.get('/rtc/:channel/:role/:tokentype/:uid', (ctx) =>
    send(ctx, { rtcToken: mint(compat.rtc(pathAndQuery(ctx))) }),
  );
  router.get('/rtm/:uid', (ctx) => send(ctx, { rtmToken: mint(compat.rtm(pathAndQuery(ctx))) }));
  router.get('/rte/:channel/:role/:tokentype/:uid{/:rtmuid}', (ctx) => {
    const [rtc, rtm] = splitRte(compat.rte(pathAndQuery(ctx)));
    send(ctx, { rtcToken: mint(rtc), rtmToken: mint(rtm) });
  });
  router.get('/chat/app', admin, (ctx) =>
    send(ctx, { chatToken: mint(compat.chatApp(pathAndQuery(ctx))) }),
  );
  router.get('/chat/account/:id', (ctx) =>
    send(ctx, { chatToken: mint(compat.chat(pathAndQuery(ctx))) }),
  );
  router.post('/getToken', jsonBody(), (ctx) => {
    const request = compat.getToken(fields(ctx));
    if (request.type === 'chat_app') requireAdmin(ctx.get('Authorization'), config.adminKey);
    send(ctx, { token: mint(request) });
  });
  return router;
}
