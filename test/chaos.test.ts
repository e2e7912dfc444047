import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, afterEach, beforeAll, expect, it } from 'vitest';
import { agoraProvider } from '../providers/agora';
import { kintoProvider } from '../providers/kinto';
import { agoraEnv } from './support/agora-fixtures';
import { call, postJson, startGateway, type TestGateway } from './support/gateway';
import {
  bearer,
  clientEntry,
  defaultClient,
  removeConfigs,
  writeConfig,
} from './support/kinto-fixture';
import { watchUncaught } from './support/raw-socket';
import { describeWithRedis, redisUrl, uniquePrefix } from './support/redis';
import { startTcpProxy, type TcpProxy } from './support/tcp-proxy';

/** Resolves with the answer and how long it took; never waits past `limitMs`. */
async function timed(url: string, init: RequestInit = {}, limitMs = 5_000) {
  const started = Date.now();
  const answer = await call(url, { ...init, signal: AbortSignal.timeout(limitMs) });
  return { ...answer, ms: Date.now() - started };
}

/** Polls `probe` until it answers 200, for at most `limitMs`; resolves with the time taken. */
async function recoveredWithin(probe: () => Promise<{ status: number }>, limitMs: number) {
  const started = Date.now();
  while (Date.now() - started < limitMs) {
    if ((await probe()).status === 200) return Date.now() - started;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return Infinity;
}

describeWithRedis('a Redis that stalls or dies', async () => {
  let proxy: TcpProxy;
  let gw: TestGateway;
  /** Runs when the auth service gets a call, before it answers with a session write. */
  let onLogin: () => void = () => {};
  let auth: Server;

  beforeAll(async () => {
    const target = new URL(redisUrl);
    proxy = await startTcpProxy(target.hostname, Number(target.port || 6379));
    auth = createServer((_request, response) => {
      onLogin();
      setTimeout(() => {
        response.writeHead(200, { 'auth-userId': '7', 'content-type': 'text/plain' });
        response.end('x'.repeat(256 * 1024));
      }, 50);
    });
    await new Promise<void>((resolve) => auth.listen(0, '127.0.0.1', resolve));
    const authUrl = `http://127.0.0.1:${(auth.address() as AddressInfo).port}`;
    const config = writeConfig({
      clients: [await clientEntry(defaultClient)],
      services: [{ name: 'auth', upstream: authUrl, writes: ['auth-userId'] }],
    });
    gw = await startGateway({
      definitions: [agoraProvider, kintoProvider],
      env: {
        ...agoraEnv,
        KINTO_CONFIG: config,
        REDIS_URL: `redis://127.0.0.1:${proxy.port}${target.pathname}`,
        REDIS_KEY_PREFIX: uniquePrefix('chaos'),
      },
    });
  });
  afterEach(() => proxy.heal());
  afterAll(async () => {
    await gw?.close();
    await proxy?.close();
    auth?.close();
    removeConfigs();
  });

  const token = () =>
    timed(`${gw.url}/api/kinto/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(defaultClient),
    });

  for (const trouble of ['stall', 'down'] as const) {
    it(`answers fast while Redis is ${trouble === 'stall' ? 'stalled' : 'down'}, and recovers`, async () => {
      const session = (await token()).body.token as string;
      expect(session).toBeTypeOf('string');
      if (trouble === 'stall') proxy.stall();
      else {
        await proxy.down();
        // Long enough for a client's reconnection backoff to grow.
        await new Promise((resolve) => setTimeout(resolve, 3_000));
      }

      const ready = await timed(`${gw.url}/readyz`);
      expect(ready.status).toBe(503);
      expect(ready.ms).toBeLessThan(1_000);
      expect(ready.body.checks.store).not.toBe('ok');

      for (const answer of [
        await token(),
        await timed(`${gw.url}/api/kinto/session`, { headers: bearer(session) }),
        await timed(`${gw.url}/api/kinto/services/auth/x`, { headers: bearer(session) }),
      ]) {
        expect(answer.status).toBe(503);
        expect(answer.body.error.code).toBe('unavailable');
        expect(Number(answer.headers.get('retry-after'))).toBeGreaterThan(0);
        expect(answer.ms).toBeLessThan(2_000);
      }

      const agora = await timed(`${gw.url}/api/agora/rtc?channel=c&uid=1`);
      expect(agora.status).toBe(200);
      expect(agora.ms).toBeLessThan(1_000);
      expect((await timed(`${gw.url}/healthz`)).status).toBe(200);

      await proxy.heal();
      expect(await recoveredWithin(token, 2_000)).toBeLessThan(2_000);
      const again = await timed(`${gw.url}/api/kinto/session`, { headers: bearer(session) });
      expect(again.status).toBe(200);
      expect((await timed(`${gw.url}/readyz`)).status).toBe(200);
    });
  }

  it('survives clients that give up while a session write waits on a stalled Redis', async () => {
    const watch = watchUncaught();
    try {
      const session = (await token()).body.token as string;
      onLogin = () => {
        onLogin = () => {};
        proxy.stall();
      };
      const gaveUp = await call(`${gw.url}/api/kinto/services/auth/login`, {
        method: 'POST',
        headers: bearer(session),
        signal: AbortSignal.timeout(300),
      }).then(
        () => false,
        () => true,
      );
      expect(gaveUp).toBe(true);
      await new Promise((resolve) => setTimeout(resolve, 1_500));
      await proxy.heal();
      expect(watch.seen).toEqual([]);
      expect(await recoveredWithin(token, 2_000)).toBeLessThan(2_000);
    } finally {
      watch.stop();
    }
  });

  it('answers many logins at once with 503 while nothing answers', async () => {
    proxy.stall();
    const answers = await Promise.all(Array.from({ length: 50 }, () => token()));
    expect(answers.every((a) => a.status === 503 && a.ms < 2_000)).toBe(true);
    await proxy.heal();
    expect((await postJson(`${gw.url}/api/kinto/token`, defaultClient)).status).toBe(200);
  });
});
