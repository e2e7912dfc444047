import type Redis from 'ioredis';
import type { Context } from 'koa';
import {
  RateLimiterMemory,
  RateLimiterRedis,
  RateLimiterRes,
  RLWrapperTimeouts,
  type RateLimiterAbstract,
} from 'rate-limiter-flexible';
import { GatewayError } from './errors';
import type { Metrics } from './metrics';

/** A budget: `points` requests per `seconds`. */
export interface Rate {
  points: number;
  seconds: number;
}

const units: Record<string, number> = { s: 1, m: 60, h: 3600 };

/**
 * `60/m`, `10/s`, `1000/h`; `0` or `off` is no limit (undefined). Returns a message for
 * anything else.
 */
export function parseRate(text: string): Rate | undefined | string {
  const value = text.trim().toLowerCase();
  if (value === '0' || value === 'off') return undefined;
  const match = /^(\d{1,9})\/(s|m|h)$/.exec(value);
  if (!match || Number(match[1]) === 0) {
    return 'must be <number>/<s|m|h> (e.g. 60/m), or 0 or off to disable';
  }
  return { points: Number(match[1]), seconds: units[match[2]!]! };
}

/** The limits a provider's routes are subject to, by the core and by the provider itself. */
export interface RateLimits {
  /** Counts a request of the calling client's address; 429 beyond the provider's budget. */
  client(ctx: Context): Promise<void>;
  /** Counts a request of an authenticated principal (a caller `sub`, a Kinto client id…). */
  principal(ctx: Context, principal: string): Promise<void>;
  /**
   * Refuses (429) a client whose failed secret checks are over the stricter failure budget,
   * before any expensive check is made. Counted per client address, cluster-wide: per secret
   * (per client id) would let anyone lock a client out by guessing wrong on purpose.
   */
  beforeSecretCheck(ctx: Context): Promise<void>;
  /** Counts one failed secret check against the client's address. */
  secretCheckFailed(ctx: Context): Promise<void>;
}

/** What the limits count with. */
export interface RateLimitOptions {
  provider: string;
  /** Requests per client address and per principal; undefined: no limit. */
  rate: Rate | undefined;
  /** Failed secret checks per client address and per subject; undefined: no limit. */
  failures: Rate | undefined;
  /** Shared counting across instances; memory (this instance) without it. */
  redis?: Redis;
  keyPrefix: string;
  /** The client address, as `TRUST_PROXY` allows it to be known. */
  clientIp(ctx: Context): string;
  metrics: Metrics;
}

/** How long a shared count may take before this instance counts alone. */
const sharedTimeoutMs = 100;

/**
 * A limiter of `rate`: in Redis, shared by every instance, when there is one. When Redis
 * fails or takes longer than {@link sharedTimeoutMs}, rate-limiter-flexible's insurance
 * counts in this instance's memory instead: limits stay in force, each instance counting
 * alone, rather than failing open or making every request wait for a dead store.
 */
function limiterOf(name: string, rate: Rate, options: RateLimitOptions): RateLimiterAbstract {
  const memory = new RateLimiterMemory({ points: rate.points, duration: rate.seconds });
  if (!options.redis) return memory;
  const shared = new RateLimiterRedis({
    storeClient: options.redis,
    keyPrefix: `${options.keyPrefix}rate:${options.provider}:${name}`,
    points: rate.points,
    duration: rate.seconds,
    rejectIfRedisNotReady: true,
  });
  return new RLWrapperTimeouts({
    limiter: shared,
    insuranceLimiter: memory,
    timeoutMs: sharedTimeoutMs,
  }) as unknown as RateLimiterAbstract;
}

const seconds = (ms: number) => Math.max(1, Math.ceil(ms / 1000));

function limited(res: RateLimiterRes, rate: Rate, what: string): GatewayError {
  return new GatewayError('rate_limited', `too many ${what}; retry later`, undefined, {
    'Retry-After': String(seconds(res.msBeforeNext)),
    'RateLimit-Limit': String(rate.points),
    'RateLimit-Remaining': '0',
    'RateLimit-Reset': String(seconds(res.msBeforeNext)),
  });
}

const none: RateLimits = {
  client: async () => {},
  principal: async () => {},
  beforeSecretCheck: async () => {},
  secretCheckFailed: async () => {},
};

/**
 * The rate limits of one provider (rate-limiter-flexible): its budget per client address and
 * per principal, and the stricter budget of failed secret checks. Answers beyond a budget are
 * `429 rate_limited` with `Retry-After` and the IETF draft's `RateLimit-Limit`,
 * `RateLimit-Remaining` and `RateLimit-Reset` headers, which also come with every answer
 * counted against the client's budget.
 */
export function createRateLimits(options: RateLimitOptions): RateLimits {
  const { rate, failures, metrics } = options;
  if (!rate && !failures) return none;
  const outcomes = metrics.counter(
    'tokengate_rate_limit_total',
    'Requests counted against a rate limit, by kind and outcome',
    ['provider', 'kind', 'outcome'],
  );
  const count = (kind: string, outcome: string) =>
    outcomes.inc({ provider: options.provider, kind, outcome });
  const requests = rate && limiterOf('requests', rate, options);
  const failed = failures && limiterOf('failures', failures, options);

  const consume = async (kind: string, key: string) => {
    if (!requests || !rate) return undefined;
    try {
      const res = await requests.consume(key);
      count(kind, 'allowed');
      return res;
    } catch (error) {
      if (!(error instanceof RateLimiterRes)) throw error;
      count(kind, 'limited');
      throw limited(error, rate, 'requests');
    }
  };

  return {
    async client(ctx) {
      const res = await consume('client', `ip:${options.clientIp(ctx)}`);
      if (!res || !rate) return;
      ctx.set('RateLimit-Limit', String(rate.points));
      ctx.set('RateLimit-Remaining', String(res.remainingPoints));
      ctx.set('RateLimit-Reset', String(seconds(res.msBeforeNext)));
    },
    async principal(_ctx, principal) {
      await consume('principal', `principal:${principal}`);
    },
    async beforeSecretCheck(ctx) {
      if (!failed || !failures) return;
      const res = await failed.get(`ip:${options.clientIp(ctx)}`);
      if (res && res.consumedPoints >= failures.points) {
        count('failures', 'limited');
        throw limited(res, failures, 'failed attempts');
      }
    },
    async secretCheckFailed(ctx) {
      if (!failed) return;
      count('failures', 'counted');
      // Past the budget a consume rejects: the count is what matters here, not the answer.
      await failed.consume(`ip:${options.clientIp(ctx)}`).catch(() => undefined);
    },
  };
}
