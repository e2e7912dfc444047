import Redis from 'ioredis';
import { GatewayError } from '../errors';
import type { KeyValueStore, StoreFactory } from './store';

const compareAndSet = `
if redis.call('GET', KEYS[1]) == ARGV[1] then
  redis.call('SET', KEYS[1], ARGV[2], 'PX', ARGV[3])
  return 1
end
return 0`;

const maxUpdateAttempts = 50;

function unavailable(error: unknown): never {
  if (error instanceof GatewayError) throw error;
  throw new GatewayError('unavailable', 'the session store is unavailable', undefined, {
    'Retry-After': '1',
  });
}

/**
 * Stores in Redis, so every instance of the gateway sees the same state. `update` is an
 * optimistic compare-and-set (a Lua script), retried when another writer got there first.
 */
export function createRedisStoreFactory(url: string, keyPrefix = 'tokengate:'): StoreFactory {
  const redis = new Redis(url, {
    lazyConnect: false,
    maxRetriesPerRequest: 2,
    enableOfflineQueue: true,
  });
  redis.on('error', () => {});
  const open = (name: string): KeyValueStore => {
    const k = (key: string) => `${keyPrefix}${name}:${key}`;
    return {
      async get(key) {
        return (await redis.get(k(key)).catch(unavailable)) ?? undefined;
      },
      async set(key, value, ttlMs) {
        await redis.set(k(key), value, 'PX', Math.max(1, Math.ceil(ttlMs))).catch(unavailable);
      },
      async delete(key) {
        return (await redis.del(k(key)).catch(unavailable)) > 0;
      },
      async update(key, change, ttlMs) {
        for (let attempt = 0; attempt < maxUpdateAttempts; attempt++) {
          const current = await redis.get(k(key)).catch(unavailable);
          if (current === null) return undefined;
          const next = change(current);
          if (next === undefined) return undefined;
          const ttl = String(Math.max(1, Math.ceil(ttlMs)));
          const swapped = await redis
            .eval(compareAndSet, 1, k(key), current, next, ttl)
            .catch(unavailable);
          if (swapped === 1) return next;
        }
        throw new GatewayError('unavailable', 'too many concurrent updates; try again', undefined, {
          'Retry-After': '1',
        });
      },
    };
  };
  return {
    kind: 'redis',
    open,
    async ping() {
      await redis.ping();
    },
    async close() {
      await redis.quit().catch(() => redis.disconnect());
    },
  };
}
