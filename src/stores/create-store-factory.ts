import type { Clock } from '../clock';
import type { CoreConfig } from '../config';
import { createMemoryStoreFactory } from './memory-store';
import { createRedisStoreFactory } from './redis-store';
import type { StoreFactory } from './store';

/** Memory by default; Redis (shared by every instance) when `REDIS_URL` is set. */
export function createStoreFactory(config: CoreConfig, clock: Clock): StoreFactory {
  return config.REDIS_URL
    ? createRedisStoreFactory({
        url: config.REDIS_URL,
        keyPrefix: config.REDIS_KEY_PREFIX,
        timeoutMs: config.REDIS_TIMEOUT,
      })
    : createMemoryStoreFactory(clock);
}
