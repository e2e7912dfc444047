import type { ProviderDeps } from '../../src/provider';
import type { BentleyConfig } from './config';
import { createTokenEndpointResolver } from './discovery';
import { createTokenCache } from './token-cache';
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
  close(): void;
}

/**
 * Combines endpoint discovery, the client-credentials request and the cache for the one
 * identity configured; upstream attempts are counted in `tokengate_upstream_requests_total`.
 */
export function createTokenService(
  config: BentleyConfig,
  deps: Pick<ProviderDeps, 'fetch' | 'clock' | 'metrics' | 'logger'>,
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
  const cache = createTokenCache(clock);
  const resolveEndpoint = createTokenEndpointResolver({
    tokenUrl: config.BENTLEY_TOKEN_URL,
    authority: config.BENTLEY_AUTHORITY,
  });
  const key = JSON.stringify([
    config.BENTLEY_TOKEN_URL ?? config.BENTLEY_AUTHORITY,
    config.BENTLEY_CLIENT_ID,
    config.BENTLEY_SCOPE,
    config.BENTLEY_AUDIENCE ?? '',
  ]);

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
    close: () => closing.abort(),
  };
}
