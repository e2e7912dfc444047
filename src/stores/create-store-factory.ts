import type { Clock } from '../clock';
import type { CoreConfig } from '../config';
import type { Metrics } from '../metrics';
import { createMemoryStoreFactory } from './memory-store';
import { createRedisStoreFactory } from './redis-store';
import type { StoreFactory } from './store';

/** Memory by default; Redis (shared by every instance) when `REDIS_URL` is set. */
export function createStoreFactory(
  config: CoreConfig,
  clock: Clock,
  metrics: Metrics,
): StoreFactory {
  return config.REDIS_URL
    ? createRedisStoreFactory({
        url: config.REDIS_URL,
        keyPrefix: config.REDIS_KEY_PREFIX,
        timeoutMs: config.REDIS_TIMEOUT,
        observe: (outcome, seconds) => metrics.upstream('core', 'redis', outcome, seconds),
      })
    : createMemoryStoreFactory(clock);
}
