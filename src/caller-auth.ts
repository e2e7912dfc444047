import { errors, jwtVerify, type JWTPayload } from 'jose';
import type { Context, Middleware } from 'koa';
import { z } from 'zod';
import { systemClock, type Clock } from './clock';
import { GatewayError } from './errors';
import { createJwksKeySource, JwksUnavailableError, readIssuerJson } from './jwks';
import { rememberSuccess } from './remember-success';
import type { Logger } from './logger';
import type { RateLimits } from './rate-limits';

/** Who may call a provider: bearer JWTs of one issuer. */
export interface CallerAuthOptions {
  /** Expected `iss`, compared exactly (Auth0 issuers end with `/`). */
  issuer: string;
  /** Expected `aud`; not checked when absent. */
  audience?: string | readonly string[];
  /** Accepted signing algorithms. Default `['RS256']`. */
  algorithms?: readonly string[];
  /** Leeway for `exp`, `nbf` and `iat`, in seconds. Default 30. */
  clockToleranceSec?: number;
  /**
   * Longest accepted lifetime, `exp` minus `iat` (or minus now without `iat`), in seconds.
   * Default 24 h: a token valid for years is a leaked credential waiting to happen.
   */
  maxLifetimeSec?: number;
  /** Limit of one discovery or JWKS fetch, in milliseconds. Default 5000. */
  timeoutMs?: number;
  /** Least time between JWKS refetches caused by an unknown `kid`. Default 30 s. */
  jwksCooldownMs?: number;
  fetch: typeof fetch;
  clock?: Clock;
  /** Receives rejections (never the token itself) at debug level. */
  logger?: Logger;
  /** Counts callers (by `sub`) and failed checks; invalid tokens use the failure budget. */
  limits?: RateLimits;
}

/**
 * Options of {@link ProviderDeps.callerAuth}: the core supplies `fetch`, `clock`, `logger` and
 * the lifetime bound (`CALLER_MAX_LIFETIME`).
 */
export type CallerAuthSettings = Omit<
  CallerAuthOptions,
  'fetch' | 'clock' | 'logger' | 'maxLifetimeSec' | 'limits'
>;

/** A verifier of `Authorization: Bearer <JWT>` headers. */
export interface CallerAuth {
  /**
   * Verifies the header value and returns the token's claims. Fails with a 401 GatewayError
   * carrying `WWW-Authenticate` when the caller is at fault, a 503 when the issuer's keys
   * cannot be obtained.
   */
  verify(authorization: string | undefined): Promise<JWTPayload>;
  /**
   * Verifies a request's `Authorization` within the provider's rate limits: a client over
   * its budget of failed checks gets 429 before any check, an invalid token counts against
   * that budget, and a caller's `sub` against the provider's budget. Stores the claims in
   * `ctx.state.caller`.
   */
  check(ctx: Context): Promise<JWTPayload>;
  /** Koa middleware that runs {@link CallerAuth.check}. */
  middleware(): Middleware;
}

const missing = () =>
  new GatewayError('unauthorized', 'a bearer token is required', undefined, {
    'WWW-Authenticate': 'Bearer',
  });

const invalid = (reason: string) =>
  new GatewayError('unauthorized', `invalid bearer token: ${reason}`, undefined, {
    'WWW-Authenticate': 'Bearer error="invalid_token"',
  });

const unavailable = (error: JwksUnavailableError) =>
  error.code === 'unavailable'
    ? new GatewayError('unavailable', 'caller verification is unavailable: issuer keys unreachable')
    : new GatewayError('upstream_error', 'caller verification failed: the issuer answered badly');

function reasonOf(error: unknown): string {
  if (error instanceof errors.JWTExpired) return 'expired';
  if (error instanceof errors.JWTClaimValidationFailed) return `${error.claim} claim rejected`;
  if (error instanceof ClaimRejected) return error.message;
  if (error instanceof errors.JOSEAlgNotAllowed) return 'algorithm not allowed';
  if (error instanceof errors.JWKSNoMatchingKey) return 'unknown signing key';
  if (error instanceof errors.JWSSignatureVerificationFailed) return 'bad signature';
  return 'malformed';
}

const trimSlash = (url: string) => url.replace(/\/+$/, '');

/** Caller tokens must be signed asymmetrically: a shared secret would let callers forge them. */
const asymmetric = new Set(
  ['RS', 'PS', 'ES'].flatMap((family) => ['256', '384', '512'].map((bits) => family + bits)),
).add('EdDSA');

/** A `<ID>_CALLER_ALGORITHMS` variable: a comma list of asymmetric JWS algorithms. */
export const callerAlgorithmsField = z
  .string()
  .transform((value) =>
    value
      .split(',')
      .map((item) => item.trim())
      .filter(Boolean),
  )
  .refine(
    (list) => list.length > 0 && list.every((alg) => asymmetric.has(alg)),
    'must be asymmetric JWS algorithms, comma separated (e.g. RS256,ES256)',
  );

/** A claim jose accepts but the gateway does not; the message is the reason shown. */
class ClaimRejected extends Error {}

/** `iat` must not lie ahead, and the token must not live longer than the bound. */
function checkTimes(payload: JWTPayload, nowSec: number, toleranceSec: number, maxSec: number) {
  const { iat, exp } = payload;
  if (typeof iat === 'number' && iat > nowSec + toleranceSec) {
    throw new ClaimRejected('iat claim rejected: issued in the future');
  }
  const from = typeof iat === 'number' ? Math.min(iat, nowSec) : nowSec;
  if (typeof exp === 'number' && exp - from > maxSec + toleranceSec) {
    throw new ClaimRejected(`exp claim rejected: lifetime over ${maxSec} seconds`);
  }
}

/** Finds `jwks_uri` through OpenID discovery; a failure is not remembered, so it is retried. */
function discoverJwksUri(options: CallerAuthOptions, timeoutMs: number): () => Promise<string> {
  return rememberSuccess(async () => {
    const url = `${trimSlash(options.issuer)}/.well-known/openid-configuration`;
    const response = await options
      .fetch(url, {
        headers: { accept: 'application/json' },
        signal: AbortSignal.timeout(timeoutMs),
      })
      .catch((cause: unknown) => {
        throw new JwksUnavailableError('issuer discovery failed', 'unavailable', { cause });
      });
    if (!response.ok) {
      await response.body?.cancel();
      throw new JwksUnavailableError(`issuer discovery answered HTTP ${response.status}`);
    }
    const metadata = (await readIssuerJson(response, 'issuer discovery')) as
      { issuer?: unknown; jwks_uri?: unknown } | undefined;
    if (typeof metadata?.jwks_uri !== 'string') {
      throw new JwksUnavailableError('issuer discovery names no jwks_uri', 'upstream_error');
    }
    if (metadata.issuer !== options.issuer) {
      throw new JwksUnavailableError('discovered issuer differs from the configured one');
    }
    return metadata.jwks_uri;
  });
}

/**
 * Creates a verifier of callers' bearer JWTs: signature by the issuer's JWKS (found through
 * `<issuer>/.well-known/openid-configuration`, keys chosen by `kid`), exact issuer, audience
 * when configured, algorithm allow-list, a required `exp`, no `iat` in the future and a
 * bounded lifetime.
 */
export function createCallerAuth(options: CallerAuthOptions): CallerAuth {
  const clock = options.clock ?? systemClock;
  const timeoutMs = options.timeoutMs ?? 5_000;
  const toleranceSec = options.clockToleranceSec ?? 30;
  const maxLifetimeSec = options.maxLifetimeSec ?? 86_400;
  const algorithms = [...(options.algorithms ?? ['RS256'])];
  if (algorithms.some((alg) => alg.toLowerCase() === 'none' || alg.startsWith('HS'))) {
    throw new Error('caller algorithms must be asymmetric; "none" and HS* are refused');
  }
  const keys = createJwksKeySource({
    url: discoverJwksUri(options, timeoutMs),
    fetch: options.fetch,
    clock,
    timeoutMs,
    cooldownMs: options.jwksCooldownMs,
  });

  const verify = async (authorization: string | undefined): Promise<JWTPayload> => {
    const [scheme = '', ...rest] = (authorization ?? '').trim().split(/\s+/);
    if (scheme.toLowerCase() !== 'bearer') throw missing();
    const [token] = rest;
    if (!token || rest.length > 1) throw invalid('malformed');
    try {
      const { payload } = await jwtVerify(token, keys, {
        issuer: options.issuer,
        audience: options.audience as string | string[] | undefined,
        algorithms,
        requiredClaims: ['exp'],
        clockTolerance: toleranceSec,
        currentDate: new Date(clock.now()),
      });
      checkTimes(payload, Math.floor(clock.now() / 1000), toleranceSec, maxLifetimeSec);
      return payload;
    } catch (error) {
      if (error instanceof JwksUnavailableError) {
        options.logger?.warn('caller verification unavailable', { reason: error.message });
        throw unavailable(error);
      }
      const reason = reasonOf(error);
      options.logger?.debug('caller rejected', { reason });
      throw invalid(reason);
    }
  };

  const { limits } = options;
  const check = async (ctx: Context) => {
    const authorization = ctx.get('authorization') || undefined;
    await limits?.beforeSecretCheck(ctx);
    let claims: JWTPayload;
    try {
      claims = await verify(authorization);
    } catch (error) {
      // A missing token is no guess; a wrong one is.
      const guessed =
        authorization && error instanceof GatewayError && error.code === 'unauthorized';
      if (guessed) await limits?.secretCheckFailed(ctx);
      throw error;
    }
    if (typeof claims.sub === 'string') await limits?.principal(ctx, claims.sub);
    ctx.state.caller = claims;
    return claims;
  };

  return {
    verify,
    check,
    middleware: () => async (ctx, next) => {
      await check(ctx);
      await next();
    },
  };
}
