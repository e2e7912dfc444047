import type { Clock } from '../clock';
import { GatewayError } from '../errors';
import type { Channels, KeyValueStore, MessageHandler, StoreFactory, StoreOptions } from './store';

interface Entry {
  value: string;
  expiresAt: number;
}

const sweepEveryMs = 30_000;

function createMemoryStore(clock: Clock, options: StoreOptions): KeyValueStore & { sweep(): void } {
  const entries = new Map<string, Entry>();
  let lastFullSweep = -Infinity;
  const live = (key: string) => {
    const entry = entries.get(key);
    if (entry && entry.expiresAt <= clock.now()) entries.delete(key);
    return entries.get(key);
  };
  const sweep = () => {
    const now = clock.now();
    for (const [key, entry] of entries) if (entry.expiresAt <= now) entries.delete(key);
  };
  return {
    sweep,
    async get(key) {
      return live(key)?.value;
    },
    async set(key, value, ttlMs) {
      if (!live(key) && options.maxEntries !== undefined && entries.size >= options.maxEntries) {
        // A full store is swept at most once a second, so refusals stay cheap under load.
        if (clock.now() - lastFullSweep >= 1_000) {
          lastFullSweep = clock.now();
          sweep();
        }
        if (entries.size >= options.maxEntries) {
          throw new GatewayError(
            'unavailable',
            'the gateway is at capacity; try again later',
            undefined,
            {
              'Retry-After': '5',
            },
          );
        }
      }
      entries.set(key, { value, expiresAt: clock.now() + ttlMs });
    },
    async setIfAbsent(key, value, ttlMs) {
      if (live(key)) return false;
      await this.set(key, value, ttlMs);
      return true;
    },
    async delete(key) {
      return live(key) !== undefined && entries.delete(key);
    },
    async deleteIfEquals(key, value) {
      return live(key)?.value === value && entries.delete(key);
    },
    async update(key, change, ttlMs) {
      const entry = live(key);
      if (!entry) return undefined;
      const next = change(entry.value);
      if (next === undefined) return undefined;
      entries.set(key, { value: next, expiresAt: clock.now() + ttlMs });
      return next;
    },
  };
}

/** Channels within this process: delivered asynchronously, as Redis would. */
export function createMemoryChannels(): Channels {
  const subscribers = new Map<string, Set<MessageHandler>>();
  return {
    async publish(channel, message) {
      const handlers = [...(subscribers.get(channel) ?? [])];
      queueMicrotask(() => handlers.forEach((handler) => handler(message)));
      return handlers.length;
    },
    async subscribe(channel, handler) {
      let handlers = subscribers.get(channel);
      if (!handlers) subscribers.set(channel, (handlers = new Set()));
      const own = (message: string) => handler(message);
      handlers.add(own);
      return async () => {
        handlers.delete(own);
        if (handlers.size === 0) subscribers.delete(channel);
      };
    },
  };
}

/** Stores that live in this process; the default when `REDIS_URL` is not set. */
export function createMemoryStoreFactory(clock: Clock): StoreFactory {
  const stores: Array<{ sweep(): void }> = [];
  const timer = setInterval(() => stores.forEach((s) => s.sweep()), sweepEveryMs);
  timer.unref();
  return {
    kind: 'memory',
    ...createMemoryChannels(),
    open(_name, options = {}) {
      const store = createMemoryStore(clock, options);
      stores.push(store);
      return store;
    },
    async ping() {},
    async close() {
      clearInterval(timer);
    },
  };
}
