import { createLocalJWKSet, errors, type JSONWebKeySet, type JWTVerifyGetKey } from 'jose';
import type { Clock } from './clock';
import { AnswerNotTextError, AnswerTooLargeError, readLimitedText } from './http/limited-body';

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

/**
 * The key set could not be obtained: the verifier is unavailable, the token is not at fault.
 * `unavailable` when the issuer could not be reached (it may pass), `upstream_error` when it
 * answered something unusable (too large, not a key set).
 */
export class JwksUnavailableError extends Error {
  constructor(
    message: string,
    readonly code: 'unavailable' | 'upstream_error' = 'unavailable',
    options?: ErrorOptions,
  ) {
    super(message, options);
    this.name = 'JwksUnavailableError';
  }
}

/**
 * Reads a JSON answer of at most 1 MiB. Too large, not UTF-8 or not JSON is the issuer's
 * fault (`upstream_error`); a connection that fails while reading is `unavailable`.
 */
export async function readIssuerJson(response: Response, what: string): Promise<unknown> {
  let text: string;
  try {
    text = await readLimitedText(response);
  } catch (error) {
    if (error instanceof AnswerTooLargeError || error instanceof AnswerNotTextError) {
      throw new JwksUnavailableError(`${what} answered ${error.message}`, 'upstream_error');
    }
    throw new JwksUnavailableError(`${what} could not be read`, 'unavailable', { cause: error });
  }
  try {
    return JSON.parse(text);
  } catch {
    throw new JwksUnavailableError(`${what} answered invalid JSON`, 'upstream_error');
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
      throw new JwksUnavailableError('JWKS cannot be fetched', 'unavailable', { cause });
    });
  if (response.status !== 200) {
    await response.body?.cancel();
    throw new JwksUnavailableError(`JWKS answered HTTP ${response.status}`);
  }
  const body = (await readIssuerJson(response, 'JWKS')) as JSONWebKeySet | undefined;
  if (!body || !Array.isArray(body.keys)) {
    throw new JwksUnavailableError('JWKS is not a key set', 'upstream_error');
  }
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
