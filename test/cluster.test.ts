import Redis from 'ioredis';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { providerDefinitions } from '../providers';
import { startBentleyIdps, type BentleyIdps } from '../standins/bentley/idps';
import { startHubEmulator, type HubEmulator } from '../standins/textile/hub-emulator';
import { standInsEnv } from './support/all-providers';
import { startBrokenIms, type BrokenIms } from './support/bentley-broken-ims';
import { call, postJson, startGateway, type TestGateway } from './support/gateway';
import { startGatewayProcess } from './support/gateway-process';
import {
  bearer,
  clientEntry,
  defaultClient,
  removeConfigs,
  writeConfig,
} from './support/kinto-fixture';
import { startEchoUpstream, type Upstream } from './support/kinto-upstreams';
import { describeWithRedis, redisUrl, uniquePrefix } from './support/redis';
import { newIdentity, signBase64 } from './support/textile-fixtures';
import { startTcpProxy, type TcpProxy } from './support/tcp-proxy';

/**
 * Three gateway instances on one real Redis, reached round-robin as a load balancer would:
 * they must behave as one gateway. Each test gets a cluster of its own (its own key prefix).
 */
describeWithRedis('a cluster of three instances on one Redis', async () => {
  let hub: HubEmulator;
  let idps: BentleyIdps;
  let echo: Upstream;
  let kintoConfig: string;
  let callerToken: string;
  const running: TestGateway[] = [];
  const redis = new Redis(redisUrl);

  beforeAll(async () => {
    [hub, idps, echo] = await Promise.all([
      startHubEmulator(),
      startBentleyIdps(),
      startEchoUpstream(),
    ]);
    callerToken = await idps.callerToken();
    kintoConfig = writeConfig({
      clients: [await clientEntry(defaultClient)],
      services: [{ name: 'echo', upstream: echo.url }],
    });
  });
  afterEach(async () => {
    await Promise.all(running.splice(0).map((gw) => gw.close()));
  });
  afterAll(async () => {
    await Promise.all([hub?.close(), idps?.close(), echo?.close()]);
    redis.disconnect();
    removeConfigs();
  });

  /** Three instances with one prefix; `env` adds to or overrides the shared settings. */
  async function cluster(env: Record<string, string> = {}, url = redisUrl) {
    const prefix = uniquePrefix('cluster');
    const shared = {
      ...standInsEnv(hub, idps, kintoConfig),
      REDIS_URL: url,
      REDIS_KEY_PREFIX: prefix,
      ...env,
    };
    const instances = await Promise.all(
      [0, 1, 2].map(() => startGateway({ definitions: providerDefinitions, env: shared })),
    );
    running.push(...instances);
    let next = 0;
    /** The next instance, round-robin. */
    const pick = () => instances[next++ % instances.length]!;
    return { instances, pick, prefix, env: shared };
  }

  it('shares rate limits: the N+1th request over the cluster gets 429, wherever it lands', async () => {
    const { pick, instances } = await cluster({ RATE_LIMIT_AGORA: '9/m' });
    const answers = [];
    for (let i = 0; i < 12; i++)
      answers.push(await call(`${pick().url}/api/agora/rtc?channel=c&uid=${i}`));
    expect(answers.map((a) => a.status)).toEqual([...Array(9).fill(200), 429, 429, 429]);
    expect(answers[0]!.headers.get('ratelimit-limit')).toBe('9');
    expect(answers[8]!.headers.get('ratelimit-remaining')).toBe('0');
    const refused = answers[9]!;
    expect(refused.body.error.code).toBe('rate_limited');
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(refused.headers.get('ratelimit-reset')).toMatch(/^\d+$/);
    // Other providers have budgets of their own.
    expect((await call(`${instances[0]!.url}/api/kinto/session`)).status).toBe(401);
    const metrics = await call(`${instances[1]!.url}/metrics`);
    expect(metrics.text).toMatch(
      /tokengate_rate_limit_total\{provider="agora",kind="client",outcome="limited"\} \d/,
    );
  });

  it('makes guessing slow cluster-wide: failed secret checks have a stricter budget', async () => {
    const { pick } = await cluster({ RATE_LIMIT_FAILURES: '4/m', RATE_LIMIT: '1000/m' });
    const wrong = { ...defaultClient, clientSecret: 'not-the-secret' };
    const statuses = [];
    for (let i = 0; i < 6; i++)
      statuses.push((await postJson(`${pick().url}/api/kinto/token`, wrong)).status);
    expect(statuses).toEqual([401, 401, 401, 401, 429, 429]);
    // Over the budget even a right secret waits: guesses cannot be told from it.
    expect((await postJson(`${pick().url}/api/kinto/token`, defaultClient)).status).toBe(429);
    // Invalid caller JWTs count against the same budget of the provider that checks them.
    const bentley = await cluster({ RATE_LIMIT_FAILURES: '2/m' });
    const tries = [];
    for (let i = 0; i < 4; i++) {
      tries.push(
        (
          await call(`${bentley.pick().url}/api/bentley/token`, {
            headers: { authorization: 'Bearer a.b.c' },
          })
        ).status,
      );
    }
    expect(tries).toEqual([401, 401, 429, 429]);
  });

  it('asks the IMS once for 60 concurrent cold requests over three instances', async () => {
    const { pick, prefix } = await cluster({ RATE_LIMIT: 'off' });
    const before = idps.ims.counts.token;
    const answers = await Promise.all(
      Array.from({ length: 60 }, () =>
        call(`${pick().url}/api/bentley/token`, {
          headers: { authorization: `Bearer ${callerToken}` },
        }),
      ),
    );
    expect(answers.every((a) => a.status === 200)).toBe(true);
    expect(idps.ims.counts.token - before).toBe(1);
    expect(new Set(answers.map((a) => a.body.token)).size).toBe(1);
    // The shared entry is sealed: a dump of Redis does not show the token.
    const keys = await redis.keys(`${prefix}bentley:tokens:*`);
    expect(keys.some((k) => k.includes(':token:'))).toBe(true);
    for (const key of keys) {
      const raw = (await redis.get(key)) ?? '';
      expect(raw).not.toContain(answers[0]!.body.token);
      expect(raw).not.toContain(answers[0]!.body.token.split('.')[1]);
    }
  });

  it('takes over from an instance that dies while it asks the IMS', async () => {
    const ims: BrokenIms = await startBrokenIms('stall');
    try {
      const env = {
        BENTLEY_TOKEN_URL: ims.tokenUrl,
        BENTLEY_UPSTREAM_TIMEOUT: '1000',
        RATE_LIMIT: 'off',
      };
      const { pick, env: shared } = await cluster(env);
      const doomed = await startGatewayProcess({ ...shared, PROVIDERS: 'bentley' });
      const headers = { authorization: `Bearer ${callerToken}` };
      const stuck = call(`${doomed.url}/api/bentley/token`, { headers }).catch(() => undefined);
      while (ims.requests === 0) await new Promise((resolve) => setTimeout(resolve, 20));
      await doomed.kill();
      await stuck;
      ims.mode = 'ok';
      const started = Date.now();
      const answer = await call(`${pick().url}/api/bentley/token`, { headers });
      expect(answer.status).toBe(200);
      // The dead holder's lock expires (timeout + 1 s), then this instance asks the IMS itself.
      expect(Date.now() - started).toBeLessThan(3_500);
      const again = await call(`${pick().url}/api/bentley/token`, { headers });
      expect(again.body.token).toBe(answer.body.token);
      expect(ims.requests).toBe(2);
    } finally {
      await ims.close();
    }
  });

  it('answers a Textile challenge opened on one instance on any other, once', async () => {
    const { instances } = await cluster({ RATE_LIMIT: 'off' });
    const [a, b, c] = instances as [TestGateway, TestGateway, TestGateway];
    const open = async (on: TestGateway) => {
      const identity = newIdentity();
      const challenge = await postJson(`${on.url}/api/textile/token/challenge`, {
        publicKey: identity.public.toString(),
      });
      expect(challenge.status).toBe(200);
      return {
        challengeId: challenge.body.challengeId as string,
        signature: await signBase64(identity, challenge.body.challenge),
        identity,
      };
    };
    for (const answerOn of [b, c]) {
      const { challengeId, signature, identity } = await open(a);
      const started = Date.now();
      const answer = await postJson(`${answerOn.url}/api/textile/token`, {
        challengeId,
        signature,
      });
      expect(answer.status).toBe(200);
      expect(answer.body.identity).toBe(identity.public.toString());
      const ms = Date.now() - started;
      console.log(`challenge opened on A, answered on ${answerOn === b ? 'B' : 'C'}: ${ms} ms`);
      expect(ms).toBeLessThan(2_000);
    }
    const raced = await open(a);
    const both = await Promise.all(
      [b, c].map((on) => postJson(`${on.url}/api/textile/token`, raced)),
    );
    expect(both.map((x) => x.status).sort()).toEqual([200, 400]);
    // Unknown, used and holder-gone all get the same 400, within 2 s.
    const used = await postJson(`${c.url}/api/textile/token`, raced);
    expect(used.status).toBe(400);
    expect(used.body.error.field).toBe('challengeId');
    const orphan = await open(a);
    await a.close();
    const started = Date.now();
    const gone = await postJson(`${b.url}/api/textile/token`, orphan);
    expect(gone.status).toBe(400);
    expect(gone.body.error.message).toBe(used.body.error.message);
    console.log(`challenge of a closed instance refused after ${Date.now() - started} ms`);
    expect(Date.now() - started).toBeLessThan(2_000);
  });

  it('shares Kinto sessions: used anywhere, revoked on one instance and refused on the others at once', async () => {
    const { instances } = await cluster({ RATE_LIMIT_KINTO: '100/m' });
    const [a, b, c] = instances as [TestGateway, TestGateway, TestGateway];
    const { token } = (await postJson(`${a.url}/api/kinto/token`, defaultClient)).body;
    expect(
      (await call(`${b.url}/api/kinto/services/echo/x`, { headers: bearer(token) })).status,
    ).toBe(200);
    expect((await call(`${c.url}/api/kinto/session`, { headers: bearer(token) })).status).toBe(200);
    expect(
      (await call(`${a.url}/api/kinto/session`, { method: 'DELETE', headers: bearer(token) }))
        .status,
    ).toBe(204);
    expect((await call(`${b.url}/api/kinto/session`, { headers: bearer(token) })).status).toBe(401);
    expect(
      (await call(`${c.url}/api/kinto/services/echo/x`, { headers: bearer(token) })).status,
    ).toBe(401);
  });

  describe('when Redis stops answering', () => {
    let proxy: TcpProxy;
    beforeAll(async () => {
      const target = new URL(redisUrl);
      proxy = await startTcpProxy(target.hostname, Number(target.port || 6379));
    });
    afterEach(() => proxy.heal());
    afterAll(() => proxy.close());

    it('keeps limits per instance, serves Bentley from each instance and says so', async () => {
      const target = new URL(redisUrl);
      const url = `redis://127.0.0.1:${proxy.port}${target.pathname}`;
      const { instances } = await cluster({ RATE_LIMIT_AGORA: '3/m' }, url);
      proxy.stall();
      const a = instances[0]!;
      const statuses = [];
      const started = Date.now();
      for (let i = 0; i < 4; i++)
        statuses.push((await call(`${a.url}/api/agora/rtc?channel=c&uid=1`)).status);
      // Each instance counts alone meanwhile: limited, not open, and fast.
      expect(statuses).toEqual([200, 200, 200, 429]);
      expect(Date.now() - started).toBeLessThan(2_000);
      const bentley = await call(`${a.url}/api/bentley/token`, {
        headers: { authorization: `Bearer ${callerToken}` },
      });
      expect(bentley.status).toBe(200);
      const ready = await call(`${a.url}/readyz`);
      expect(ready.status).toBe(503);
      expect(ready.body.checks.bentley).toMatch(/cached per instance/);
      expect(a.logs.some((l) => /IMS tokens are cached per instance/.test(l))).toBe(true);
    });
  });
});
