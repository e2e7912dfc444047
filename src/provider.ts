import type Router from '@koa/router';
import type { Context } from 'koa';
import type { z } from 'zod';
import type { CallerAuth, CallerAuthSettings } from './caller-auth';
import type { CliHost } from './cli/host';
import type { Clock } from './clock';
import type { Client } from './http/client';
import type { WebSocketHandler } from './http/upgrade';
import type { Logger } from './logger';
import type { RateLimits } from './rate-limits';
import type { Metrics } from './metrics';
import type { RouteDoc } from './openapi/route-doc';
import type { StoreFactory } from './stores/store';

/** Raw environment values of one provider, keyed by the canonical variable name. */
export type ProviderEnv = Record<string, string | undefined>;

/** Capabilities the core hands to a provider; a provider never sees the Koa app. */
export interface ProviderDeps {
  /**
   * Stores and channels namespaced to this provider: in memory, or Redis when `REDIS_URL` is
   * set (`kind` says which), shared by every instance then.
   */
  store: Pick<StoreFactory, 'open' | 'publish' | 'subscribe' | 'kind'>;
  /** A logger whose lines carry `provider=<id>`. */
  logger: Logger;
  /** The fetch used for every upstream HTTP call. */
  fetch: typeof fetch;
  clock: Clock;
  metrics: Metrics;
  /** Who is calling: address, protocol and host, believing only the proxies `TRUST_PROXY` names. */
  client(ctx: Context): Client;
  /**
   * The provider's rate limits. The core counts every request per client address; the
   * provider counts its principals and its failed secret checks.
   */
  limits: RateLimits;
  /** Creates a verifier of callers' bearer JWTs for the issuer the provider configures. */
  callerAuth(settings: CallerAuthSettings): CallerAuth;
}

/** What `create()` returns: the provider's routes and its lifecycle hooks. */
export interface ProviderInstance {
  /** Routes mounted under `/api/<id>`. */
  router: Router;
  /** Routes mounted at the root, for compatibility with the tutorials' servers. */
  rootRouter?: Router;
  /**
   * WebSocket routes by path under `/api/<id>` (e.g. `/token/ws`). The core checks each
   * handshake and refuses bad ones; a handler only sees well-formed GET handshakes.
   */
  webSockets?: Record<string, WebSocketHandler>;
  /** Its routes as `GET /openapi.json` describes them; routes without one are flagged there. */
  docs?: readonly RouteDoc[];
  /** Resolves when the provider can serve; rejects with the reason otherwise. */
  ready?(): Promise<void>;
  /** Releases sockets, timers and pending work at shutdown. */
  close?(): Promise<void>;
}

/** A local stand-in for a provider's remote services, used by `npm run demo`. */
export interface DemoStandIn {
  /** Environment variables that point the provider at the stand-in. */
  env: Record<string, string>;
  /** Banner lines (how to try it with curl) for a gateway listening at `baseUrl`. */
  banner(baseUrl: string): string[];
  close(): Promise<void>;
}

/**
 * A provider: a plain object naming itself, its configuration and how to create its routes.
 * `id` is the URL segment, env prefix, log field and folder name.
 */
export interface ProviderDefinition<Config = unknown> {
  id: string;
  title: string;
  /** Canonical variable names mapped to the aliases also accepted (first one set wins). */
  env: Record<string, readonly string[]>;
  /**
   * Parses the provider's variables (keyed by canonical name). Issues must have the variable
   * name as their path so boot errors can name it. Variables the schema needs when given an
   * empty object are the ones listed as missing when the provider is disabled.
   */
  configSchema: z.ZodType<Config>;
  /**
   * The provider's own default budget per client address and per principal (`600/m`), when
   * neither `RATE_LIMIT_<ID>` nor `RATE_LIMIT` says otherwise. Default `120/m`.
   */
  rateLimit?: string;
  /** Aliases this provider's tutorials use for core variables, e.g. `{ PORT: ['ITM_TOKEN_SERVER_PORT'] }`. */
  coreEnvAliases?: Partial<Record<'HOST' | 'PORT', readonly string[]>>;
  create(config: Config, deps: ProviderDeps): ProviderInstance | Promise<ProviderInstance>;
  /**
   * Adds the provider's commands to the `tokengate` CLI (`inspect`, `mint <id>`…). They must
   * call the same functions as the provider's routes, not copies.
   */
  cli?(host: CliHost): void;
  /** Starts local stand-ins for `npm run demo`; load heavy test helpers lazily inside. */
  demo?(): Promise<DemoStandIn>;
}

/** Keeps a provider's config type while erasing it for the registry. */
export const defineProvider = <Config>(definition: ProviderDefinition<Config>) =>
  definition as ProviderDefinition<unknown>;
