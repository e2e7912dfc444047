import type { Clock } from '../../src/clock';
import type { IssuedToken } from './token-client';

/** A cached token, with times on the injected clock. */
export interface CachedToken {
  accessToken: string;
  tokenType: string;
  scope: string;
  /** When the token stops being valid (ms). */
  expiresAt: number;
  /** When it is replaced ahead of expiry (ms). */
  refreshAt: number;
}

/** How an answer was obtained. */
export type CacheResult = 'hit' | 'fetched' | 'stale' | 'shared' | 'refreshing';

/** A single-flight cache of upstream tokens. */
export interface TokenCache {
  /**
   * The cached token for `key` while it is before its refresh time; otherwise one shared call
   * of `load` for every concurrent caller. When that call fails, a token that has not yet
   * expired is still answered; the failure is never cached.
   */
  get(
    key: string,
    load: () => Promise<IssuedToken>,
  ): Promise<{ token: CachedToken; result: CacheResult }>;
}

/** Refresh ahead of expiry by min(60 s, half the lifetime). */
const refreshMarginMs = (lifetimeMs: number) => Math.min(60_000, lifetimeMs / 2);

/** A token as cached: its lifetime counts from `sentAt`, when its request left. */
export function cachedToken(issued: IssuedToken, sentAt: number): CachedToken {
  const lifetimeMs = issued.expiresIn * 1000;
  return {
    accessToken: issued.accessToken,
    tokenType: issued.tokenType,
    scope: issued.scope,
    expiresAt: sentAt + lifetimeMs,
    refreshAt: sentAt + lifetimeMs - refreshMarginMs(lifetimeMs),
  };
}

/** Creates an empty {@link TokenCache} whose times are read from `clock`. */
export function createTokenCache(clock: Clock): TokenCache {
  const entries = new Map<string, CachedToken>();
  const flights = new Map<string, Promise<CachedToken>>();

  const start = (key: string, load: () => Promise<IssuedToken>) => {
    // The lifetime counts from when the request left, so the cached expiry is never late.
    const sentAt = clock.now();
    const flight = load()
      .then((issued) => {
        const token = cachedToken(issued, sentAt);
        entries.set(key, token);
        return token;
      })
      .finally(() => flights.delete(key));
    flights.set(key, flight);
    return flight;
  };

  return {
    async get(key, load) {
      const cached = entries.get(key);
      if (cached && clock.now() < cached.refreshAt) return { token: cached, result: 'hit' };
      try {
        return { token: await (flights.get(key) ?? start(key, load)), result: 'fetched' };
      } catch (error) {
        const fallback = entries.get(key);
        if (fallback && clock.now() < fallback.expiresAt) {
          return { token: fallback, result: 'stale' };
        }
        throw error;
      }
    },
  };
}
