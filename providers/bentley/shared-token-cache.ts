import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Clock } from '../../src/clock';
import { GatewayError, StoreUnavailableError } from '../../src/errors';
import type { Logger } from '../../src/logger';
import type { KeyValueStore } from '../../src/stores/store';
import { cachedToken, createTokenCache, type CachedToken, type TokenCache } from './token-cache';
import type { TokenCipher } from './token-cipher';

/** Where and how the cluster shares its IMS tokens. */
export interface SharedTokenCacheOptions {
  /** Shared by every instance (Redis). */
  store: KeyValueStore;
  cipher: TokenCipher;
  clock: Clock;
  /** How long a fetching instance holds the lock: more than one whole IMS exchange. */
  lockMs: number;
  /** How long a request waits for another instance's fetch before giving up (504). */
  waitMs: number;
  /** How often a waiting instance looks for the other's result. Default 50 ms. */
  pollMs?: number;
  logger: Logger;
}

/** A {@link TokenCache} shared by a cluster, which can say when it works alone. */
export interface SharedTokenCache extends TokenCache {
  /** True while the store is unavailable and this instance caches on its own. */
  alone(): boolean;
}

/**
 * One IMS token per lifetime for the whole cluster. A request first uses this instance's copy;
 * past its refresh time, the sealed entry in the store; when that is missing or due too, the
 * instance that takes the store's lock asks the IMS and writes the entry, while the others
 * serve the token they hold (if still valid) or wait for the entry, taking the lock over if
 * its holder dies (the lock expires). Concurrent requests of one instance share one of these
 * walks. When the store is unavailable, each instance caches on its own, and says so.
 */
export function createSharedTokenCache(options: SharedTokenCacheOptions): SharedTokenCache {
  const { store, cipher, clock, lockMs, waitMs, logger, pollMs = 50 } = options;
  const instance = randomUUID();
  const copies = new Map<string, CachedToken>();
  const walks = new Map<string, ReturnType<TokenCache['get']>>();
  const alone = createTokenCache(clock);
  let isAlone = false;

  const read = async (key: string): Promise<CachedToken | undefined> => {
    const sealed = await store.get(`token:${key}`);
    const plain = sealed === undefined ? undefined : cipher.open(sealed, key);
    return plain === undefined ? undefined : (JSON.parse(plain) as CachedToken);
  };

  const walk: TokenCache['get'] = async (key, load) => {
    const deadline = clock.now() + waitMs;
    let held = copies.get(key);
    for (;;) {
      const entry = await read(key);
      if (entry && (!held || entry.expiresAt >= held.expiresAt)) held = entry;
      if (held && clock.now() < held.refreshAt) {
        copies.set(key, held);
        return { token: held, result: 'shared' };
      }
      if (await store.setIfAbsent(`lock:${key}`, instance, lockMs)) {
        try {
          // Another instance may have written the entry between the read above and the lock.
          const written = await read(key);
          if (written && clock.now() < written.refreshAt) {
            copies.set(key, written);
            return { token: written, result: 'shared' };
          }
          const sentAt = clock.now();
          const token = cachedToken(await load(), sentAt);
          await store.set(
            `token:${key}`,
            cipher.seal(JSON.stringify(token), key),
            token.expiresAt - clock.now(),
          );
          copies.set(key, token);
          return { token, result: 'fetched' };
        } catch (error) {
          if (held && clock.now() < held.expiresAt && !(error instanceof StoreUnavailableError)) {
            return { token: held, result: 'stale' };
          }
          throw error;
        } finally {
          await store.deleteIfEquals(`lock:${key}`, instance).catch(() => undefined);
        }
      }
      // Another instance is asking the IMS: a token still valid is good meanwhile.
      if (held && clock.now() < held.expiresAt) return { token: held, result: 'refreshing' };
      if (clock.now() >= deadline) {
        throw new GatewayError('upstream_timeout', 'the IMS token was not obtained in time');
      }
      await sleep(pollMs);
    }
  };

  return {
    async get(key, load) {
      const copy = copies.get(key);
      if (copy && clock.now() < copy.refreshAt) return { token: copy, result: 'hit' };
      let running = walks.get(key);
      if (!running) {
        running = walk(key, load)
          .then((answer) => {
            if (isAlone) logger.info('the store answers again: IMS tokens are shared again');
            isAlone = false;
            return answer;
          })
          .catch((error: unknown) => {
            if (!(error instanceof StoreUnavailableError)) throw error;
            if (!isAlone) {
              logger.warn('the store is unavailable: IMS tokens are cached per instance meanwhile');
            }
            isAlone = true;
            return alone.get(key, load);
          })
          .finally(() => walks.delete(key));
        walks.set(key, running);
      }
      return running;
    },
    alone: () => isAlone,
  };
}
