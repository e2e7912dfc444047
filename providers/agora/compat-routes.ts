import Router from '@koa/router';
import type { Context } from 'koa';
import { jsonBody } from '../../src/http/json-body';
import { noStore } from '../../src/http/token-response';
import type { ProviderDeps } from '../../src/provider';
import { requireAdmin } from './admin';
import type { AgoraCompat } from './compat';
import type { AgoraConfig } from './config';
import { countIssued, fields } from './routes';

/**
 * Root routes of the reference Agora token servers, so their clients work unchanged. Only
 * `POST /getToken` is taken: `GET /getToken` belongs to another provider's compatibility set.
 */
export function agoraCompatRouter(
  config: AgoraConfig,
  compat: AgoraCompat,
  deps: ProviderDeps,
): Router {
  const router = new Router();
  const answer = (ctx: Context, body: Record<string, string>, ...types: string[]) => {
    types.forEach((type) => countIssued(deps, type));
    noStore(ctx);
    ctx.body = body;
  };
  const pathAndQuery = (ctx: Context) => ({ ...fields(ctx), ...ctx.params });

  router.get('/ping', (ctx) => {
    ctx.body = { message: 'pong' };
  });
  router.get('/rtc/:channel/:role/:tokentype/:uid', (ctx) =>
    answer(ctx, compat.rtc(pathAndQuery(ctx)), 'rtc'),
  );
  router.get('/rtm/:uid', (ctx) => answer(ctx, compat.rtm(pathAndQuery(ctx)), 'rtm'));
  router.get('/rte/:channel/:role/:tokentype/:uid', (ctx) =>
    answer(ctx, compat.rte(pathAndQuery(ctx)), 'rtc', 'rtm'),
  );
  router.post('/getToken', jsonBody(), (ctx) => {
    const { token, type } = compat.getToken(fields(ctx), () =>
      requireAdmin(ctx.get('Authorization'), config.adminKey),
    );
    answer(ctx, { token }, type);
  });
  return router;
}
