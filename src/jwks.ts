import { createLocalJWKSet, errors, type JSONWebKeySet, type JWTVerifyGetKey } from 'jose';
import type { Clock } from './clock';

/** How a remote JSON Web Key Set is fetched and cached. */
export interface JwksOptions {
  /** Resolves the JWKS URL; called again after a failure, so discovery can be retried. */
  url: () => Promise<string>;
  fetch: typeof fetch;
  clock: Clock;
  /** Limit of one JWKS fetch. */
  timeoutMs: number;
  /** Least time between refetches (unknown `kid`, aged set), failed ones too. Default 30 s. */
  cooldownMs?: number;
  /** Age after which the set is fetched again before use. Default 10 min. */
  maxAgeMs?: number;
}

/** The key set could not be obtained: the verifier is unavailable, the token is not at fault. */
export class JwksUnavailableError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'JwksUnavailableError';
  }
}

async function download(options: JwksOptions): Promise<JSONWebKeySet> {
  const url = await options.url();
  const response = await options
    .fetch(url, {
      headers: { accept: 'application/json, application/jwk-set+json' },
      redirect: 'manual',
      signal: AbortSignal.timeout(options.timeoutMs),
    })
    .catch((cause: unknown) => {
      throw new JwksUnavailableError('JWKS cannot be fetched', { cause });
    });
  if (response.status !== 200) {
    await response.body?.cancel();
    throw new JwksUnavailableError(`JWKS answered HTTP ${response.status}`);
  }
  const body = (await response.json().catch(() => undefined)) as JSONWebKeySet | undefined;
  if (!body || !Array.isArray(body.keys)) throw new JwksUnavailableError('JWKS is not a key set');
  return body;
}

/**
 * A `jose` key resolver over a remote JWKS: keys are chosen by `kid` (and `alg`), the set is
 * cached on the injected clock, an unknown `kid` refetches it at most once per cooldown, and
 * concurrent misses share one fetch. Fetch failures raise {@link JwksUnavailableError}.
 */
export function createJwksKeySource(options: JwksOptions): JWTVerifyGetKey {
  const { clock, cooldownMs = 30_000, maxAgeMs = 600_000 } = options;
  let local: JWTVerifyGetKey | undefined;
  let fetchedAt = -Infinity;
  // Failed fetches count too: an issuer that is down is not asked again on every request.
  let attemptedAt = -Infinity;
  let pending: Promise<void> | undefined;

  const reload = () => {
    if (!pending) attemptedAt = clock.now();
    pending ??= download(options)
      .then((set) => {
        local = createLocalJWKSet(set);
        fetchedAt = clock.now();
      })
      .finally(() => {
        pending = undefined;
      });
    return pending;
  };
  const coolingDown = () => clock.now() - attemptedAt < cooldownMs;

  return async (header, token) => {
    if (!local) await reload();
    // A set past its age is still better than none while the issuer is unreachable.
    else if (clock.now() - fetchedAt >= maxAgeMs && !coolingDown()) {
      await reload().catch(() => undefined);
    }
    const tried = local!;
    try {
      return await tried(header, token);
    } catch (error) {
      if (!(error instanceof errors.JWKSNoMatchingKey)) throw error;
      // Another request may have refreshed the set meanwhile, or be refreshing it: use that
      // before any cooldown.
      if (local !== tried) return local!(header, token);
      if (!pending && coolingDown()) throw error;
      await reload();
      return local!(header, token);
    }
  };
}
