import type { ProviderDeps } from '../../src/provider';
import type { BentleyConfig } from './config';
import { createTokenEndpointResolver } from './discovery';
import { createHash } from 'node:crypto';
import { createSharedTokenCache } from './shared-token-cache';
import { createTokenCache, type TokenCache } from './token-cache';
import { cacheKeyOf, createTokenCipher } from './token-cipher';
import { requestClientCredentials } from './token-client';

/** A token as answered to callers: `expiresIn` is what remains of its lifetime. */
export interface ServedToken {
  token: string;
  tokenType: string;
  scope: string;
  expiresIn: number;
}

/** The provider's logic, free of HTTP routing. */
export interface TokenService {
  getToken(): Promise<ServedToken>;
  /** Fails while the cluster's token cache is out of reach (each instance caches alone). */
  ready(): Promise<void>;
  close(): void;
}

/**
 * Combines endpoint discovery, the client-credentials request and the cache for the one
 * identity configured; upstream attempts are counted in `tokengate_upstream_requests_total`.
 */
export function createTokenService(
  config: BentleyConfig,
  deps: Pick<ProviderDeps, 'fetch' | 'clock' | 'metrics' | 'logger' | 'store'>,
): TokenService {
  const { clock, metrics, logger } = deps;
  const cacheResults = metrics.counter(
    'tokengate_token_cache_total',
    'IMS token cache lookups by result (hit, fetched, stale)',
    ['provider', 'result'],
  );
  const attempts = metrics.counter('tokengate_upstream_requests_total', 'IMS requests by outcome', [
    'provider',
    'outcome',
  ]);
  const closing = new AbortController();
  // With a shared store, one IMS token serves the whole cluster; otherwise this instance.
  const cache: TokenCache & { alone?(): boolean } =
    deps.store.kind === 'redis'
      ? createSharedTokenCache({
          store: deps.store.open('tokens'),
          cipher: createTokenCipher(
            cacheKeyOf(config.BENTLEY_TOKEN_CACHE_KEY, config.BENTLEY_CLIENT_SECRET),
          ),
          clock,
          lockMs: config.BENTLEY_UPSTREAM_TIMEOUT + 1_000,
          waitMs: 2 * config.BENTLEY_UPSTREAM_TIMEOUT + 1_000,
          logger,
        })
      : createTokenCache(clock);
  const resolveEndpoint = createTokenEndpointResolver({
    tokenUrl: config.BENTLEY_TOKEN_URL,
    authority: config.BENTLEY_AUTHORITY,
  });
  // Names the entry in the shared store: a hash, so that no setting shows in a key.
  const key = createHash('sha256')
    .update(
      JSON.stringify([
        config.BENTLEY_TOKEN_URL ?? config.BENTLEY_AUTHORITY,
        config.BENTLEY_CLIENT_ID,
        config.BENTLEY_SCOPE,
        config.BENTLEY_AUDIENCE ?? '',
      ]),
    )
    .digest('base64url');

  const load = async () => {
    const call = {
      fetch: deps.fetch,
      deadline: Date.now() + config.BENTLEY_UPSTREAM_TIMEOUT,
      closed: closing.signal,
      onAttempt: (outcome: string, seconds: number) => {
        attempts.inc({ provider: 'bentley', outcome });
        metrics.upstream('bentley', 'ims', outcome, seconds);
      },
    };
    const started = Date.now();
    try {
      const issued = await requestClientCredentials(
        {
          tokenUrl: await resolveEndpoint(call),
          clientId: config.BENTLEY_CLIENT_ID,
          clientSecret: config.BENTLEY_CLIENT_SECRET,
          scope: config.BENTLEY_SCOPE,
          audience: config.BENTLEY_AUDIENCE,
          clientAuth: config.BENTLEY_CLIENT_AUTH,
        },
        call,
      );
      logger.info('upstream token obtained', {
        expiresIn: issued.expiresIn,
        ms: Date.now() - started,
      });
      return issued;
    } catch (error) {
      logger.warn('upstream token request failed', {
        reason: (error as Error).message,
        ms: Date.now() - started,
      });
      throw error;
    }
  };

  return {
    async getToken() {
      const { token, result } = await cache.get(key, load);
      cacheResults.inc({ provider: 'bentley', result });
      if (result === 'stale') logger.warn('serving a cached token while the IMS is failing');
      return {
        token: token.accessToken,
        tokenType: token.tokenType,
        scope: token.scope,
        expiresIn: Math.floor((token.expiresAt - clock.now()) / 1000),
      };
    },
    async ready() {
      if (cache.alone?.()) {
        throw new Error('store unavailable: IMS tokens are cached per instance');
      }
    },
    close: () => closing.abort(),
  };
}
