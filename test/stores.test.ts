import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMemoryStoreFactory } from '../src/stores/memory-store';
import { createRedisStoreFactory } from '../src/stores/redis-store';
import type { StoreFactory } from '../src/stores/store';
import { describeWithRedis, redisUrl, uniquePrefix } from './support/redis';
import { manualClock } from './support/clock';

/** The behaviour every backend must share. */
function storeContract(name: string, makeFactory: () => StoreFactory | Promise<StoreFactory>) {
  describe(`${name} store`, () => {
    let factory: StoreFactory;
    beforeAll(async () => {
      factory = await makeFactory();
    });
    afterAll(() => factory?.close());

    it('sets, gets and deletes', async () => {
      const store = factory.open('basic');
      expect(await store.get('a')).toBeUndefined();
      await store.set('a', 'one', 60_000);
      expect(await store.get('a')).toBe('one');
      expect(await store.delete('a')).toBe(true);
      expect(await store.delete('a')).toBe(false);
      expect(await store.get('a')).toBeUndefined();
    });

    it('keeps names apart', async () => {
      await factory.open('left').set('k', 'L', 60_000);
      expect(await factory.open('right').get('k')).toBeUndefined();
    });

    it('updates only existing keys', async () => {
      const store = factory.open('update');
      expect(await store.update('missing', () => 'x', 60_000)).toBeUndefined();
      expect(await store.get('missing')).toBeUndefined();
      await store.set('k', '1', 60_000);
      expect(await store.update('k', (v) => `${v}2`, 60_000)).toBe('12');
      expect(await store.update('k', () => undefined, 60_000)).toBeUndefined();
      expect(await store.get('k')).toBe('12');
    });

    it('sets only absent keys, one winner among concurrent claims', async () => {
      const store = factory.open('claims');
      const claims = await Promise.all(
        Array.from({ length: 20 }, (_, i) => store.setIfAbsent('lock', `holder-${i}`, 60_000)),
      );
      expect(claims.filter(Boolean)).toHaveLength(1);
      expect(await store.get('lock')).toBe(`holder-${claims.indexOf(true)}`);
      expect(await store.deleteIfEquals('lock', 'someone-else')).toBe(false);
      expect(await store.deleteIfEquals('lock', `holder-${claims.indexOf(true)}`)).toBe(true);
      expect(await store.setIfAbsent('lock', 'again', 60_000)).toBe(true);
    });

    it('publishes to the subscribers present, and says how many received it', async () => {
      const seen: string[] = [];
      const channel = `ch-${Math.random()}`;
      expect(await factory.publish(channel, 'nobody')).toBe(0);
      const stop = await factory.subscribe(channel, (m) => seen.push(`a:${m}`));
      const stopB = await factory.subscribe(channel, (m) => seen.push(`b:${m}`));
      expect(await factory.publish(channel, 'hello')).toBeGreaterThanOrEqual(1);
      await new Promise((resolve) => setTimeout(resolve, 50));
      expect(seen.sort()).toEqual(['a:hello', 'b:hello']);
      await stop();
      await stopB();
      expect(await factory.publish(channel, 'gone')).toBe(0);
    });

    it('loses no update under 50 concurrent writers', async () => {
      const store = factory.open('race');
      await store.set('doc', '{}', 60_000);
      await Promise.all(
        Array.from({ length: 50 }, (_, i) =>
          store.update('doc', (v) => JSON.stringify({ ...JSON.parse(v), [`f${i}`]: i }), 60_000),
        ),
      );
      expect(Object.keys(JSON.parse((await store.get('doc'))!))).toHaveLength(50);
    });
  });
}

storeContract('memory', () => createMemoryStoreFactory(manualClock()));

describe('memory store limits', () => {
  it('expires entries by the clock', async () => {
    const clock = manualClock();
    const store = createMemoryStoreFactory(clock).open('ttl');
    await store.set('k', 'v', 1_000);
    clock.advance(999);
    expect(await store.get('k')).toBe('v');
    clock.advance(1);
    expect(await store.get('k')).toBeUndefined();
    expect(await store.update('k', () => 'x', 1_000)).toBeUndefined();
  });

  it('refuses new keys beyond maxEntries with 503, counting expired ones as free', async () => {
    const clock = manualClock();
    const store = createMemoryStoreFactory(clock).open('bounded', { maxEntries: 2 });
    await store.set('a', '1', 1_000);
    await store.set('b', '1', 5_000);
    await expect(store.set('c', '1', 1_000)).rejects.toMatchObject({
      status: 503,
      code: 'unavailable',
    });
    await store.set('a', '2', 1_000);
    clock.advance(1_000);
    await store.set('c', '1', 1_000);
    expect(await store.get('c')).toBe('1');
    // Full again: expired entries are reclaimed by a sweep, which runs at most once a second.
    clock.advance(5_000);
    await store.set('d', '1', 1_000);
    expect(await store.get('d')).toBe('1');
  });
});

describeWithRedis('redis', async () => {
  storeContract('redis', () =>
    createRedisStoreFactory({ url: redisUrl, keyPrefix: uniquePrefix('stores') }),
  );

  it('carries messages between two instances', async () => {
    const prefix = uniquePrefix('channels');
    const [a, b] = [1, 2].map(() => createRedisStoreFactory({ url: redisUrl, keyPrefix: prefix }));
    const received = new Promise<string>((resolve) => void b!.subscribe('x', resolve));
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(await a!.publish('x', 'across')).toBe(1);
    expect(await received).toBe('across');
    await Promise.all([a!.close(), b!.close()]);
  });

  it('expires keys', async () => {
    const factory = createRedisStoreFactory({ url: redisUrl, keyPrefix: uniquePrefix('ttl') });
    const store = factory.open('ttl');
    await store.set('k', 'v', 50);
    await new Promise((resolve) => setTimeout(resolve, 120));
    expect(await store.get('k')).toBeUndefined();
    await factory.close();
  });

  it('reports an unreachable server as unavailable', async () => {
    const factory = createRedisStoreFactory({
      url: 'redis://127.0.0.1:1/0',
      keyPrefix: uniquePrefix('down'),
    });
    await expect(factory.open('x').get('k')).rejects.toMatchObject({ status: 503 });
    await expect(factory.ping()).rejects.toThrow();
    await factory.close();
  });
});
