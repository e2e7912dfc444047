import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { createSessionStore } from '../src/session-store';
import { createMemoryStoreFactory } from '../src/stores/memory-store';
import type { KeyValueStore } from '../src/stores/store';
import { manualClock } from './support/clock';

const ttlMs = 100_000;

function setup(maxDataBytes = 8192) {
  const clock = manualClock(1_700_000_000_000);
  const factory = createMemoryStoreFactory(clock);
  const kv = factory.open('sessions');
  const written = new Map<string, string>();
  // A real store that also remembers what reached it, to show what a leak would expose.
  const recording: KeyValueStore = {
    ...kv,
    async set(key, value, ttl) {
      written.set(key, value);
      return kv.set(key, value, ttl);
    },
    async update(key, change, ttl) {
      const next = await kv.update(key, change, ttl);
      if (next !== undefined) written.set(key, next);
      return next;
    },
  };
  const sessions = createSessionStore(recording, {
    clock,
    ttlMs,
    maxDataBytes,
    touchEveryMs: 1_000,
  });
  return { sessions, written, advance: clock.advance, close: () => factory.close() };
}

describe('createSessionStore', () => {
  it('keeps only the SHA-256 of the token', async () => {
    const { sessions, written, close } = setup();
    const { token, session } = await sessions.create('app');
    expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(session).toMatchObject({ clientId: 'app', data: {} });
    const key = createHash('sha256').update(token).digest('base64url');
    expect([...written.keys()]).toEqual([key]);
    expect([...written.values()].join()).not.toContain(token);
    expect((await sessions.get(token))?.clientId).toBe('app');
    await close();
  });

  it('slides the expiry on use and forgets an unused session', async () => {
    const { sessions, advance, close } = setup();
    const { token } = await sessions.create('app');
    advance(ttlMs - 1_000);
    const used = await sessions.get(token);
    expect(used?.expiresAt).toBe(used!.lastUsedAt + ttlMs);
    advance(ttlMs - 1_000);
    expect(await sessions.get(token)).toBeDefined();
    advance(ttlMs + 1);
    expect(await sessions.get(token)).toBeUndefined();
    expect(await sessions.write(token, { 'a-b': '1' })).toEqual({ status: 'missing' });
    await close();
  });

  it('sets and removes fields, refusing data over the bound', async () => {
    const { sessions, close } = setup(64);
    const { token } = await sessions.create('app');
    expect((await sessions.write(token, { 'a-x': '1', 'a-y': '2' })).status).toBe('written');
    expect((await sessions.write(token, { 'a-x': null })).status).toBe('written');
    expect((await sessions.get(token))?.data).toEqual({ 'a-y': '2' });
    const big = await sessions.write(token, { 'a-z': 'z'.repeat(64) });
    expect(big).toMatchObject({ status: 'too_large', limit: 64 });
    expect((await sessions.get(token))?.data).toEqual({ 'a-y': '2' });
    await close();
  });

  it('loses no concurrent write', async () => {
    const { sessions, close } = setup();
    const { token } = await sessions.create('app');
    await Promise.all(
      Array.from({ length: 50 }, (_, i) => sessions.write(token, { [`a-f${i}`]: String(i) })),
    );
    expect(Object.keys((await sessions.get(token))!.data)).toHaveLength(50);
    await close();
  });

  it('ends sessions and ignores tokens of the wrong shape', async () => {
    const { sessions, close } = setup();
    const { token } = await sessions.create('app');
    expect(await sessions.get('short')).toBeUndefined();
    expect(await sessions.end(token)).toBe(true);
    expect(await sessions.end(token)).toBe(false);
    expect(await sessions.get(token)).toBeUndefined();
    await close();
  });
});
