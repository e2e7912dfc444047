import Router from '@koa/router';
import Koa, { type Middleware } from 'koa';
import compose from 'koa-compose';
import json from 'koa-json';
import { createCallerAuth } from './caller-auth';
import { systemClock, type Clock } from './clock';
import type { CoreConfig } from './config';
import { configure } from './configure';
import { accessLog } from './http/access-log';
import { browserAssets } from './http/browser-assets';
import { clientOf, type TrustProxy } from './http/client';
import { closeAfterUnreadBody } from './http/connection';
import { checkRequestHead } from './http/request-head';
import { cors } from './http/cors';
import { renderErrors } from './http/errors';
import { requestId } from './http/request-id';
import type { WebSocketHandler } from './http/upgrade';
import type { Logger } from './logger';
import { createMetrics, type Metrics } from './metrics';
import { apiReference } from './openapi/api-reference';
import type { ProviderDefinition, ProviderDeps, ProviderInstance } from './provider';
import { createStoreFactory } from './stores/create-store-factory';
import type { StoreFactory } from './stores/store';
import { createRateLimits, type RateLimits } from './rate-limits';

/** How to build a gateway; everything but `env` and `definitions` has a default. */
export interface GatewayOptions {
  env: NodeJS.ProcessEnv;
  definitions: readonly ProviderDefinition[];
  clock?: Clock;
  fetch?: typeof fetch;
  /** Receives each log line; tests use it to capture logs. Defaults to stdout. */
  writeLog?: (line: string) => void;
  /** Node process and event-loop metrics at `/metrics`. Default true. */
  defaultMetrics?: boolean;
}

/** A route as listed by `GET /api/providers`. */
export interface RouteInfo {
  methods: string[];
  path: string;
}

/** An enabled provider, created and mounted. */
export interface RunningProvider {
  id: string;
  title: string;
  instance: ProviderInstance;
  routes: RouteInfo[];
  limits: RateLimits;
}

/** A configured gateway, not yet listening. */
export interface Gateway {
  app: Koa;
  config: CoreConfig;
  logger: Logger;
  metrics: Metrics;
  providers: RunningProvider[];
  /** The WebSocket handler a provider serves at `pathname`, if any. */
  webSocketAt(pathname: string): WebSocketHandler | undefined;
  close(): Promise<void>;
}

function listRoutes(router: Router, prefix: string): RouteInfo[] {
  return router.stack
    .filter((layer) => layer.methods.length > 0)
    .map((layer) => ({
      // router.all() registers every method Node knows; list that as ANY.
      methods: layer.methods.length > 10 ? ['ANY'] : layer.methods.filter((m) => m !== 'HEAD'),
      path: `${prefix}${layer.path}`,
    }));
}

/** A router's routes, answering 405 with `Allow` for a known path and a wrong method. */
const withAllowedMethods = (router: Router): Middleware =>
  compose([router.routes() as Middleware, router.allowedMethods() as Middleware]);

/** Tags the request with its provider and counts it against the provider's client budget. */
const enterProvider =
  ({ id, limits }: RunningProvider): Middleware =>
  async (ctx, next) => {
    ctx.state.provider = id;
    await limits.client(ctx);
    return next();
  };

/** The provider id of a path under `/api/<id>/`. */
function providerIdOf(path: string): string | undefined {
  if (!path.startsWith('/api/')) return undefined;
  const end = path.indexOf('/', 5);
  return path.slice(5, end === -1 ? undefined : end) || undefined;
}

/**
 * Sends `/api/<id>/…` straight to that provider's routes: one map lookup, so a request never
 * walks the routers of the other providers.
 */
function dispatchToProviders(providers: RunningProvider[]): Middleware {
  const routes = new Map(
    providers.map((provider) => [
      provider.id,
      compose([enterProvider(provider), withAllowedMethods(provider.instance.router)]),
    ]),
  );
  return (ctx, next) => {
    const id = providerIdOf(ctx.path);
    const handle = id === undefined ? undefined : routes.get(id);
    return handle ? handle(ctx, next) : next();
  };
}

/** Root routes of the providers, for compatibility with the tutorials' servers. */
function rootRoutes(providers: RunningProvider[]): Middleware[] {
  return providers.flatMap((provider) => {
    if (!provider.instance.rootRouter) return [];
    const root = new Router();
    root.use(enterProvider(provider), provider.instance.rootRouter.routes());
    return [withAllowedMethods(root)];
  });
}

/** koa-json's `?pretty`, consulted only when the query mentions it (parsing it costs). */
function prettyJson(): Middleware {
  const pretty = json({ pretty: false, param: 'pretty' });
  return (ctx, next) => (ctx.querystring.includes('pretty') ? pretty(ctx, next) : next());
}

/** `/readyz` answers within a second even when a check hangs: each one gets this long. */
const readinessCheckMs = 750;

async function readiness(providers: RunningProvider[], ping: () => Promise<void>) {
  const checks: Record<string, string> = {};
  const check = async (name: string, probe: () => Promise<void>) => {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_resolve, reject) => {
      timer = setTimeout(() => reject(new Error('timed out')), readinessCheckMs);
    });
    try {
      await Promise.race([probe(), timeout]);
      checks[name] = 'ok';
    } catch (error) {
      checks[name] = error instanceof Error ? error.message : 'failed';
    } finally {
      clearTimeout(timer);
    }
  };
  await Promise.all([
    check('store', ping),
    ...providers.map((p) => check(p.id, () => p.instance.ready?.() ?? Promise.resolve())),
  ]);
  return { ready: Object.values(checks).every((c) => c === 'ok'), checks };
}

/** The capabilities one provider receives, scoped to its id. */
function providerDeps(
  id: string,
  limits: RateLimits,
  shared: {
    stores: StoreFactory;
    logger: Logger;
    clock: Clock;
    metrics: Metrics;
    fetch: typeof fetch;
    maxLifetimeSec: number;
    trustProxy: TrustProxy;
  },
): ProviderDeps {
  const { stores, clock, metrics, fetch, maxLifetimeSec, trustProxy } = shared;
  const logger = shared.logger.child({ provider: id });
  return {
    store: {
      kind: stores.kind,
      open: (name, options) => stores.open(`${id}:${name}`, options),
      publish: (channel, message) => stores.publish(`${id}:${channel}`, message),
      subscribe: (channel, handler) => stores.subscribe(`${id}:${channel}`, handler),
    },
    limits,
    logger,
    fetch,
    clock,
    metrics,
    client: (ctx) => clientOf(ctx, trustProxy),
    callerAuth: (settings) =>
      createCallerAuth({ ...settings, maxLifetimeSec, fetch, clock, logger, limits }),
  };
}

/** Parses the configuration, creates the enabled providers and assembles the Koa app. */
export async function createGateway(options: GatewayOptions): Promise<Gateway> {
  const { config, logger, enabled, rates } = configure(
    options.env,
    options.definitions,
    options.writeLog,
  );
  const clock = options.clock ?? systemClock;
  const metrics = createMetrics({ defaults: options.defaultMetrics });
  const stores = createStoreFactory(config, clock, metrics);
  const shared = {
    stores,
    logger,
    clock,
    metrics,
    fetch: options.fetch ?? globalThis.fetch,
    maxLifetimeSec: config.CALLER_MAX_LIFETIME,
    trustProxy: config.TRUST_PROXY,
  };

  const providers: RunningProvider[] = [];
  try {
    for (const { definition, config: providerConfig } of enabled) {
      const { id } = definition;
      const limits = createRateLimits({
        provider: id,
        rate: rates.get(id),
        failures: config.RATE_LIMIT_FAILURES,
        redis: stores.redis,
        keyPrefix: config.REDIS_KEY_PREFIX,
        clientIp: (ctx) => clientOf(ctx, config.TRUST_PROXY).ip,
        metrics,
      });
      const instance = await definition.create(providerConfig, providerDeps(id, limits, shared));
      // Mounted by prefixing the provider's own router: one router to match, not two.
      instance.router.prefix(`/api/${id}`);
      providers.push({
        id,
        title: definition.title,
        instance,
        limits,
        routes: [
          ...listRoutes(instance.router, ''),
          ...(instance.rootRouter ? listRoutes(instance.rootRouter, '') : []),
        ],
      });
    }
  } catch (error) {
    await Promise.allSettled(providers.map((p) => p.instance.close?.()));
    await stores.close();
    throw error;
  }

  const app = new Koa();
  app.proxy = false;
  app.silent = true;
  app.use(requestId());
  app.use(closeAfterUnreadBody());
  app.use(accessLog(logger, metrics));
  const allowOrigins = cors(config.CORS_ORIGINS);
  if (allowOrigins) app.use(allowOrigins);
  app.use(renderErrors(logger));
  app.use(checkRequestHead());
  app.use(prettyJson());
  app.use(dispatchToProviders(providers));

  const core = new Router();
  core.get('/healthz', (ctx) => {
    ctx.body = { status: 'ok' };
  });
  core.get('/readyz', async (ctx) => {
    const { ready, checks } = await readiness(providers, () => stores.ping());
    ctx.status = ready ? 200 : 503;
    ctx.body = { status: ready ? 'ready' : 'not_ready', store: stores.kind, checks };
  });
  core.get('/api/providers', (ctx) => {
    ctx.body = { providers: providers.map(({ id, title, routes }) => ({ id, title, routes })) };
  });
  core.get('/metrics', async (ctx) => {
    ctx.body = await metrics.render();
    ctx.set('Content-Type', metrics.contentType);
  });
  app.use(withAllowedMethods(core));
  const assets = browserAssets(config.PLAYGROUND);
  app.use(withAllowedMethods(assets));
  app.use(apiReference(providers, [...listRoutes(core, ''), ...listRoutes(assets, '')]));
  rootRoutes(providers).forEach((routes) => app.use(routes));

  const webSockets = new Map(
    providers.flatMap(({ id, instance }) =>
      Object.entries(instance.webSockets ?? {}).map(([path, handler]) => [
        `/api/${id}${path}`,
        handler,
      ]),
    ),
  );
  return {
    app,
    config,
    logger,
    metrics,
    providers,
    webSocketAt: (pathname) => webSockets.get(pathname),
    async close() {
      await Promise.allSettled(providers.map((p) => p.instance.close?.()));
      await stores.close();
    },
  };
}
