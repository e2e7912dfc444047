import Router from '@koa/router';
import type { Context, Middleware } from 'koa';
import { jsonBody } from '../../src/http/json-body';
import { parseInput, requestInput } from '../../src/http/input';
import { noStore, sendToken } from '../../src/http/token-response';
import type { ProviderDeps } from '../../src/provider';
import { adminOnly } from './admin';
import { callerOf, type CallerGate } from './caller';
import type { AgoraConfig } from './config';
import { diagnoseToken } from './diagnose';
import { inspectToken, intendedUse } from './inspect';
import type { AgoraAnswer, AgoraIssuer } from './issue';
import { tokenTypes, type TokenRequest } from './requests';
import { inspectRequest, parseDiagnoseRequest } from './schemas';

/** Request fields; an empty query parameter counts as absent, as in an HTML form. */
export function fields(ctx: Context): Record<string, unknown> {
  const input = requestInput(ctx);
  if (ctx.method !== 'GET' && ctx.method !== 'HEAD') return input;
  for (const name in input) if (input[name] === '') delete input[name];
  return input;
}

/** Counts an issued token by type. */
export const countIssued = (deps: ProviderDeps, type: string) =>
  deps.metrics.tokenIssued('agora', type);

/**
 * `/api/agora/…`: a GET (query) and a POST (JSON body) per token kind, `POST /inspect` and
 * `POST /diagnose`.
 */
export function agoraRouter(
  config: AgoraConfig,
  issuer: AgoraIssuer,
  gate: CallerGate,
  deps: ProviderDeps,
): Router {
  const router = new Router();
  const tokenRoute = (
    path: string,
    mint: (ctx: Context) => AgoraAnswer,
    ...guards: Middleware[]
  ) => {
    const handle = (ctx: Context) => {
      const answer = mint(ctx);
      countIssued(deps, answer.type);
      sendToken(ctx, deps.clock, answer);
    };
    router.get(path, ...guards, handle);
    router.post(path, ...guards, jsonBody(), handle);
  };
  const authorized = (ctx: Context, request: TokenRequest) =>
    issuer.mint(issuer.authorize(request, callerOf(ctx)));
  for (const type of tokenTypes) {
    tokenRoute(
      `/${type}`,
      (ctx) => authorized(ctx, issuer.parse(type, fields(ctx))),
      gate.middleware,
    );
  }
  tokenRoute('/token', (ctx) => authorized(ctx, issuer.parseByType(fields(ctx))), gate.middleware);
  // The admin key, not a caller token: both would be sent as Authorization.
  tokenRoute(
    '/chat/app',
    (ctx) => issuer.mint(issuer.parseChatApp(fields(ctx))),
    adminOnly(config.adminKey, deps.limits),
  );
  router.post('/inspect', jsonBody(), (ctx) => {
    const { token, ...use } = parseInput(inspectRequest, fields(ctx));
    noStore(ctx);
    ctx.body = inspectToken(token, config, deps.clock.now(), intendedUse(use));
  });
  router.post('/diagnose', jsonBody(), (ctx) => {
    const request = parseDiagnoseRequest(fields(ctx));
    noStore(ctx);
    ctx.body = diagnoseToken(request, config, deps.clock.now());
  });
  return router;
}
