import Redis from 'ioredis';
import { describe, it } from 'vitest';

/** Where Redis-backed tests connect; CI and the dev machines run one here. */
export const redisUrl = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379/15';

/**
 * True when Redis answers. Without it, Redis-backed suites skip, unless `REQUIRE_REDIS=1`,
 * where its absence is a failure (CI sets it).
 */
export async function redisAvailable(): Promise<boolean> {
  const client = new Redis(redisUrl, {
    lazyConnect: true,
    maxRetriesPerRequest: 0,
    retryStrategy: () => null,
  });
  client.on('error', () => {});
  try {
    await client.connect();
    await client.ping();
    return true;
  } catch (error) {
    if (process.env.REQUIRE_REDIS === '1') {
      throw new Error(`REQUIRE_REDIS=1 but Redis at ${redisUrl} does not answer: ${String(error)}`);
    }
    return false;
  } finally {
    client.disconnect();
  }
}

/** A key prefix unique to one test, so parallel suites never see each other's keys. */
export const uniquePrefix = (name: string) =>
  `tokengate-test:${name}:${process.pid}:${Date.now()}:${Math.random().toString(36).slice(2)}:`;

/** A suite that needs Redis: skipped with a reason where there is none (failed with REQUIRE_REDIS=1). */
export const describeWithRedis = (name: string, body: () => void | Promise<void>) =>
  describe(name, async () => {
    if (!(await redisAvailable())) {
      it.skip(`needs Redis at ${redisUrl} (REQUIRE_REDIS=1 makes its absence fail)`);
      return;
    }
    await body();
  });
