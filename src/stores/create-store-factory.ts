import type Redis from 'ioredis';
import type { Clock } from '../clock';
import type { CoreConfig } from '../config';
import type { Metrics } from '../metrics';
import { createMemoryStoreFactory } from './memory-store';
import { createRedisStoreFactory } from './redis-store';
import type { StoreFactory } from './store';

/**
 * Memory by default; Redis (shared by every instance) when `REDIS_URL` is set, with its client
 * for the core's other shared state (rate limits).
 */
export function createStoreFactory(
  config: CoreConfig,
  clock: Clock,
  metrics: Metrics,
): StoreFactory & { redis?: Redis } {
  if (!config.REDIS_URL) return createMemoryStoreFactory(clock);
  return createRedisStoreFactory({
    url: config.REDIS_URL,
    keyPrefix: config.REDIS_KEY_PREFIX,
    timeoutMs: config.REDIS_TIMEOUT,
    observe: (outcome, seconds) => metrics.upstream('core', 'redis', outcome, seconds),
  });
}
