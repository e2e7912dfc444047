import type Redis from 'ioredis';
import { GatewayError, StoreUnavailableError } from '../errors';
import type { KeyValueStore, MessageHandler, StoreFactory } from './store';

const compareAndSet = `
if redis.call('GET', KEYS[1]) == ARGV[1] then
  redis.call('SET', KEYS[1], ARGV[2], 'PX', ARGV[3])
  return 1
end
return 0`;

const deleteIfEquals = `
if redis.call('GET', KEYS[1]) == ARGV[1] then
  return redis.call('DEL', KEYS[1])
end
return 0`;

const maxUpdateAttempts = 50;

/** Where and how patiently the Redis store works. */
export interface RedisStoreOptions {
  url: string;
  /** Prefix of every key. Default `tokengate:`. */
  keyPrefix?: string;
  /** Longest any store call may take, retries included, in ms. Default 1000. */
  timeoutMs?: number;
  /** Receives each call's outcome (`ok`, `unavailable`) and duration in seconds. */
  observe?(outcome: 'ok' | 'unavailable', seconds: number): void;
}

const unavailable = () => new StoreUnavailableError();

/**
 * Runs `operation` within `ms`: a stalled or unreachable Redis becomes a 503 by then, never a
 * request that hangs or a call that outlives its request.
 */
function bounded<T>(
  ms: number,
  operation: () => Promise<T>,
  observe: RedisStoreOptions['observe'],
): Promise<T> {
  const started = performance.now();
  const done = (outcome: 'ok' | 'unavailable') =>
    observe?.(outcome, (performance.now() - started) / 1000);
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => {
      done('unavailable');
      reject(unavailable());
    }, ms);
    operation().then(
      (value) => {
        clearTimeout(timer);
        done('ok');
        resolve(value);
      },
      (error: unknown) => {
        clearTimeout(timer);
        done('unavailable');
        reject(error instanceof GatewayError ? error : unavailable());
      },
    );
  });
}

/**
 * Stores in Redis, so every instance of the gateway sees the same state. `update` is an
 * optimistic compare-and-set (a Lua script), retried when another writer got there first.
 * Every call ends within `timeoutMs`: ioredis's own command timeout also bounds commands
 * waiting in its offline queue, and reconnection is retried every half second at most, so
 * service resumes soon after Redis answers again.
 */
export function createRedisStoreFactory(
  options: RedisStoreOptions,
): StoreFactory & { redis: Redis } {
  const { url, keyPrefix = 'tokengate:', timeoutMs = 1_000, observe } = options;
  // Loaded only when used: ioredis costs a gateway without Redis memory for nothing.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { Redis: RedisClient } = require('ioredis') as typeof import('ioredis');
  const redis = new RedisClient(url, {
    lazyConnect: false,
    commandTimeout: timeoutMs,
    maxRetriesPerRequest: 1,
    enableOfflineQueue: true,
    connectTimeout: Math.max(timeoutMs, 1_000),
    retryStrategy: (attempt) => Math.min(50 * attempt, 500),
    // Commands of concurrent requests issued in one tick go out as one write and one read.
    enableAutoPipelining: true,
  });
  redis.on('error', () => {});
  const call = <T>(operation: () => Promise<T>) => bounded(timeoutMs, operation, observe);
  const open = (name: string): KeyValueStore => {
    const k = (key: string) => `${keyPrefix}${name}:${key}`;
    const ttl = (ms: number) => Math.max(1, Math.ceil(ms));
    return {
      async get(key) {
        return (await call(() => redis.get(k(key)))) ?? undefined;
      },
      async set(key, value, ttlMs) {
        await call(() => redis.set(k(key), value, 'PX', ttl(ttlMs)));
      },
      async setIfAbsent(key, value, ttlMs) {
        return (await call(() => redis.set(k(key), value, 'PX', ttl(ttlMs), 'NX'))) === 'OK';
      },
      async delete(key) {
        return (await call(() => redis.del(k(key)))) > 0;
      },
      async deleteIfEquals(key, value) {
        return (await call(() => redis.eval(deleteIfEquals, 1, k(key), value))) === 1;
      },
      update(key, change, ttlMs) {
        return call(async () => {
          for (let attempt = 0; attempt < maxUpdateAttempts; attempt++) {
            const current = await redis.get(k(key));
            if (current === null) return undefined;
            const next = change(current);
            if (next === undefined) return undefined;
            const swapped = await redis.eval(
              compareAndSet,
              1,
              k(key),
              current,
              next,
              String(ttl(ttlMs)),
            );
            if (swapped === 1) return next;
          }
          throw new GatewayError(
            'unavailable',
            'too many concurrent updates; try again',
            undefined,
            { 'Retry-After': '1' },
          );
        });
      },
    };
  };
  // Subscribing takes a connection of its own; it is opened on the first subscription.
  let subscriber: Redis | undefined;
  const handlers = new Map<string, Set<MessageHandler>>();
  const subscriberConnection = () => {
    if (subscriber) return subscriber;
    subscriber = redis.duplicate({ enableOfflineQueue: true, commandTimeout: timeoutMs });
    subscriber.on('error', () => {});
    subscriber.on('message', (channel: string, message: string) => {
      handlers.get(channel)?.forEach((handler) => handler(message));
    });
    return subscriber;
  };
  const channelName = (channel: string) => `${keyPrefix}${channel}`;

  return {
    kind: 'redis',
    redis,
    open,
    publish: (channel, message) => call(() => redis.publish(channelName(channel), message)),
    async subscribe(channel, handler) {
      const name = channelName(channel);
      let set = handlers.get(name);
      if (!set) {
        handlers.set(name, (set = new Set()));
        await call(() => subscriberConnection().subscribe(name)).catch((error: unknown) => {
          handlers.delete(name);
          throw error;
        });
      }
      const own: MessageHandler = (message) => handler(message);
      set.add(own);
      return async () => {
        set.delete(own);
        if (set.size > 0 || handlers.get(name) !== set) return;
        handlers.delete(name);
        await call(() => subscriberConnection().unsubscribe(name)).catch(() => undefined);
      };
    },
    ping: () => call(() => redis.ping()).then(() => undefined),
    async close() {
      await Promise.all(
        [redis, subscriber].map((client) => client?.quit().catch(() => client.disconnect())),
      );
    },
  };
}
