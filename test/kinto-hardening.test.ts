import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hashSecret } from '../providers/kinto/secret-hash';
import { startAuthService, type DemoService } from '../standins/kinto/services';
import { call, postJson } from './support/gateway';
import { bearer, rawRequest, startKinto, type TestClient } from './support/kinto-fixture';
import {
  startEchoUpstream,
  startTruncatingUpstream,
  type Echoed,
  type Upstream,
} from './support/kinto-upstreams';
import { watchUncaught } from './support/raw-socket';

let echo: Upstream;
let truncating: Upstream;
let auth: DemoService;
let kinto: Awaited<ReturnType<typeof startKinto>>;

beforeAll(async () => {
  [echo, truncating, auth] = await Promise.all([
    startEchoUpstream(),
    startTruncatingUpstream(),
    startAuthService(),
  ]);
  kinto = await startKinto([
    { name: 'based', upstream: `${echo.url}/base` },
    { name: 'hooks', upstream: `${echo.url}/base`, public: true },
    { name: 'cut', upstream: truncating.url, timeoutMs: 300 },
    { name: 'auth', upstream: auth.url, writes: ['auth-userId', 'auth-username'] },
  ]);
});

afterAll(async () => {
  await kinto?.close();
  await Promise.all([echo, truncating, auth].map((u) => u?.close()));
});

describe('confinement to a service base path', () => {
  const escapes = [
    '..%2fprivate.txt',
    '..%2Fprivate.txt',
    '%2e%2e%2fprivate.txt',
    'x/..%2f..%2fprivate.txt',
    '..%5cprivate.txt',
    '..\\private.txt',
    'a\\b',
    '..;/private.txt',
    'x/..;/..;/private.txt',
    '.%2e/private.txt',
    'x/%2e%2E;jsessionid=1/private.txt',
    'ok%2fslash',
    '%zz',
  ];
  it.each(escapes)('refuses %s with a 400 naming path, on private and public routes', async (p) => {
    const token = await kinto.token();
    const before = echo.calls;
    for (const path of [`/api/kinto/services/based/${p}`, `/api/kinto/public/web-app/hooks/${p}`]) {
      const answer = await rawRequest(kinto.url, { path, headers: bearer(token) });
      expect(answer.status, path).toBe(400);
      expect(JSON.parse(answer.text).error.field).toBe('path');
    }
    expect(echo.calls).toBe(before);
  });

  it('passes ordinary and doubly encoded paths through byte for byte', async () => {
    const token = await kinto.token();
    for (const path of [
      '/a/b.txt',
      '/a%20b/%C3%A9',
      '/%252e%252e%252f',
      '/a..b/.hidden',
      '/x;y=1',
    ]) {
      const answer = await rawRequest(kinto.url, {
        path: `/api/kinto/services/based${path}`,
        headers: bearer(token),
      });
      expect(answer.status, path).toBe(200);
      expect((JSON.parse(answer.text) as Echoed).url).toBe(`/base${path}`);
    }
  });

  it('never echoes an unknown service name, which is client input', async () => {
    const token = await kinto.token();
    const answer = await call(`${kinto.api}/services/secret-looking-name/x`, {
      headers: bearer(token),
    });
    expect(answer.status).toBe(404);
    expect(answer.text).not.toContain('secret-looking-name');
  });
});

describe('forwarding headers', () => {
  const forged = {
    forwarded: 'for=6.6.6.6;host=evil.example;proto=https',
    'x-real-ip': '6.6.6.6',
    'x-forwarded-for': '6.6.6.6',
    'x-forwarded-host': 'evil.example',
    'x-forwarded-proto': 'https',
    'x-forwarded-port': '443',
    'x-forwarded-prefix': '/admin',
  };

  it('strips what the client claims and sets the gateway own values', async () => {
    const token = await kinto.token();
    const answer = await call(`${kinto.api}/services/based/x`, {
      headers: { ...bearer(token), ...forged },
    });
    const { headers } = answer.body as Echoed;
    expect(headers['x-real-ip']).toBeUndefined();
    expect(headers['x-forwarded-port']).toBeUndefined();
    expect(headers['x-forwarded-prefix']).toBeUndefined();
    expect(headers['x-forwarded-for']).toBe('127.0.0.1');
    expect(headers['x-forwarded-proto']).toBe('http');
    expect(headers['x-forwarded-host']).toBe(new URL(kinto.url).host);
    expect(headers.forwarded).toBe(`for=127.0.0.1;host="${new URL(kinto.url).host}";proto=http`);
  });

  it('believes a proxy only when TRUST_PROXY names it', async () => {
    const trusting = await startKinto([{ name: 'based', upstream: `${echo.url}/base` }], {
      env: { TRUST_PROXY: 'loopback' },
    });
    try {
      const token = await trusting.token();
      const answer = await call(`${trusting.api}/services/based/x`, {
        headers: { ...bearer(token), ...forged },
      });
      const { headers } = answer.body as Echoed;
      expect(headers['x-forwarded-for']).toBe('6.6.6.6, 127.0.0.1');
      expect(headers['x-forwarded-proto']).toBe('https');
      expect(headers['x-forwarded-host']).toBe('evil.example');
      expect(headers['x-real-ip']).toBeUndefined();
      expect(headers.forwarded).toBe('for=6.6.6.6;host="evil.example";proto=https');
    } finally {
      await trusting.close();
    }
  });

  it('refuses a Host that is not a host name', async () => {
    const token = await kinto.token();
    const answer = await rawRequest(kinto.url, {
      path: '/api/kinto/services/based/x',
      headers: { ...bearer(token), host: 'evil.example/../x' },
    });
    expect(answer.status).toBe(400);
    expect(JSON.parse(answer.text).error.field).toBe('host');
  });
});

describe('a service that dies mid-answer', () => {
  it('cuts the client connection, logs a warning and counts it', async () => {
    const token = await kinto.token();
    const outcome = await fetch(`${kinto.api}/services/cut/x`, { headers: bearer(token) })
      .then((response) => response.text())
      .then(
        () => 'completed',
        () => 'cut',
      );
    expect(outcome).toBe('cut');
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(kinto.logs.some((l) => /WARN .*truncated/.test(l))).toBe(true);
    const metrics = await call(`${kinto.url}/metrics`);
    expect(metrics.text).toMatch(
      /tokengate_kinto_proxy_total\{service="cut",outcome="truncated"\} 1/,
    );
  });
});

describe('the demo auth service', () => {
  it('validates the username instead of crashing the process', async () => {
    const watch = watchUncaught();
    try {
      const token = await kinto.token();
      for (const username of ['李', 'eve\r\nx', 'a'.repeat(65), 42, '']) {
        const answer = await postJson(
          `${kinto.api}/services/auth/login`,
          { username },
          bearer(token),
        );
        expect(answer.status, String(username)).toBe(400);
        expect(answer.body.error.field).toBe('username');
      }
      const broken = await call(`${kinto.api}/services/auth/login`, {
        method: 'POST',
        headers: { ...bearer(token), 'content-type': 'application/json' },
        body: '{"username":',
      });
      expect(broken.status).toBe(400);
      const ok = await postJson(
        `${kinto.api}/services/auth/login`,
        { username: 'ada' },
        bearer(token),
      );
      expect(ok.status).toBe(200);
      expect(watch.seen).toEqual([]);
    } finally {
      watch.stop();
    }
  });
});

describe('secret checks under a flood of wrong secrets', () => {
  const alice: TestClient = { clientId: 'alice-app', clientSecret: 'alice-correct-secret-0001' };
  const bob: TestClient = { clientId: 'bob-app', clientSecret: 'bob-correct-secret-000002' };

  it('answers the excess with 429 and still lets good secrets in within a second', async () => {
    // Production-cost hashes: the point is what a flood of real scrypt work does.
    const gw = await startKinto([{ name: 'based', upstream: echo.url }], {
      clients: [alice, bob],
      hashSecret: (secret) => hashSecret(secret),
    });
    try {
      expect((await postJson(`${gw.api}/token`, alice)).status).toBe(200);
      let answered = 0;
      const flood = Array.from({ length: 200 }, (_, i) =>
        postJson(`${gw.api}/token`, {
          clientId: i % 2 ? alice.clientId : `nobody-${i}`,
          clientSecret: `wrong-${i}`,
        }).finally(() => (answered += 1)),
      );
      // The cheap refusals are out; what is left of the flood is queued scrypt work.
      while (answered < 150) await new Promise((resolve) => setTimeout(resolve, 5));
      const timed = async (client: TestClient) => {
        const started = Date.now();
        const answer = await postJson(`${gw.api}/token`, client);
        return { status: answer.status, ms: Date.now() - started, behind: 200 - answered };
      };
      const [again, first] = await Promise.all([timed(alice), timed(bob)]);
      const answers = await Promise.all(flood);
      expect(again.status).toBe(200);
      expect(first.status).toBe(200);
      expect(again.ms).toBeLessThan(1_000);
      expect(first.ms).toBeLessThan(1_000);
      // Bob went ahead of wrong guesses that were queued before him.
      expect(first.behind).toBeGreaterThan(0);
      const limited = answers.filter((a) => a.status === 429);
      expect(limited.length).toBeGreaterThan(100);
      expect(limited[0]!.body.error.code).toBe('rate_limited');
      expect(Number(limited[0]!.headers.get('retry-after'))).toBeGreaterThan(0);
      expect(answers.every((a) => a.status === 429 || a.status === 401)).toBe(true);
    } finally {
      await gw.close();
    }
  }, 20_000);
});
