import Router from '@koa/router';
import { base64url, generateKeyPair, SignJWT } from 'jose';
import { createServer } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { createCallerAuth } from '../src/caller-auth';
import type { RouteDoc } from '../src/openapi/route-doc';
import { defineProvider } from '../src/provider';
import { refusedUrl } from './support/bentley-broken-ims';
import { call, startGateway, type TestGateway } from './support/gateway';
import { startOidcIdp, type OidcIdp } from '../standins/oidc-idp';
import { manualClock } from './support/clock';

const audience = 'https://probe.test/api';
const appClient = { id: 'probe-app', secret: 'probe-app-secret' };

/** A provider whose only job is to put the core caller check in front of a route. */
const probeProvider = defineProvider({
  id: 'probe',
  title: 'Probe',
  env: { PROBE_ISSUER: [], PROBE_AUDIENCE: [], PROBE_TIMEOUT: [] },
  configSchema: z.object({
    PROBE_ISSUER: z.string(),
    PROBE_AUDIENCE: z.string().optional(),
    PROBE_TIMEOUT: z.coerce.number().default(2_000),
  }),
  create(config, deps) {
    const auth = deps.callerAuth({
      issuer: config.PROBE_ISSUER,
      audience: config.PROBE_AUDIENCE,
      timeoutMs: config.PROBE_TIMEOUT,
    });
    const router = new Router();
    router.get('/whoami', auth.middleware(), (ctx) => {
      ctx.body = { sub: ctx.state.caller.sub };
    });
    const docs: RouteDoc[] = [
      {
        methods: ['GET'],
        path: '/whoami',
        summary: "The caller's subject",
        security: { schemes: ['callerJwt'] },
        responses: { 200: { description: 'The subject', schema: z.object({ sub: z.string() }) } },
      },
    ];
    return { router, docs };
  },
});

const clock = manualClock();
let idp: OidcIdp;
let other: OidcIdp;
const gateways: TestGateway[] = [];

const gatewayFor = async (env: Record<string, string>) => {
  const gw = await startGateway({ definitions: [probeProvider], env, clock });
  gateways.push(gw);
  return gw;
};
const token = async (from = idp, resource = audience) => {
  const { status, body } = await from.clientCredentials(appClient, { resource });
  expect(status).toBe(200);
  return body.access_token as string;
};
const whoami = (gw: TestGateway, authorization?: string) =>
  call(`${gw.url}/api/probe/whoami`, authorization ? { headers: { authorization } } : {});

const expectInvalid = (answer: Awaited<ReturnType<typeof whoami>>, reason?: string) => {
  expect(answer.status).toBe(401);
  expect(answer.headers.get('www-authenticate')).toBe('Bearer error="invalid_token"');
  expect(answer.body.error.code).toBe('unauthorized');
  if (reason) expect(answer.body.error.message).toContain(reason);
};

const idpOptions = {
  clients: [
    {
      client_id: appClient.id,
      client_secret: appClient.secret,
      grant_types: ['client_credentials'],
      response_types: [],
      redirect_uris: [],
    },
  ],
  resourceScope: 'app',
  defaultResource: audience,
};

/**
 * A stand-in for the issuer in front of `idp`, naming itself as the issuer, that can stall
 * every request or fail the JWKS endpoint. Counts the JWKS requests that reach it.
 */
async function startIssuerProxy(target: OidcIdp) {
  const sockets = new Set<Socket>();
  const proxy = {
    issuer: '',
    mode: 'ok' as 'ok' | 'stall' | 'fail' | 'huge-jwks' | 'huge-discovery',
    jwks: 0,
    close: async () => {},
  };
  const server = createServer((req, res) => {
    if (proxy.mode === 'stall') return;
    if (req.url === '/jwks') proxy.jwks += 1;
    if (req.url === '/jwks' && proxy.mode === 'fail') {
      res.writeHead(500).end();
      return;
    }
    const huge =
      (req.url === '/jwks' && proxy.mode === 'huge-jwks') ||
      (req.url?.startsWith('/.well-known') && proxy.mode === 'huge-discovery');
    if (huge) {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(`{"keys":[],"pad":"${'x'.repeat(2 * 1024 * 1024)}"}`);
      return;
    }
    void fetch(`${target.issuer}${req.url}`).then(async (upstream) => {
      res.writeHead(upstream.status, { 'content-type': 'application/json' });
      res.end((await upstream.text()).replaceAll(target.issuer, proxy.issuer));
    });
  });
  server.on('connection', (socket) => sockets.add(socket));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  proxy.issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  proxy.close = async () => {
    sockets.forEach((s) => s.destroy());
    await new Promise<void>((resolve) => server.close(() => resolve()));
  };
  return proxy;
}

beforeAll(async () => {
  [idp, other] = await Promise.all([startOidcIdp(idpOptions), startOidcIdp(idpOptions)]);
});
afterEach(async () => {
  await Promise.all(gateways.splice(0).map((gw) => gw.close()));
  clock.set(Date.now());
});
afterAll(async () => {
  await Promise.all([idp.close(), other.close()]);
});

describe('caller auth against a real OpenID provider', () => {
  it('accepts a token of the issuer and exposes its claims', async () => {
    const gw = await gatewayFor({ PROBE_ISSUER: idp.issuer, PROBE_AUDIENCE: audience });
    const answer = await whoami(gw, `Bearer ${await token()}`);
    expect(answer.status).toBe(200);
    expect(answer.body).toEqual({ sub: appClient.id });
    // The scheme is case-insensitive (RFC 7235).
    expect((await whoami(gw, `bearer ${await token()}`)).status).toBe(200);
  });

  it('answers a missing or non-bearer credential with a bare Bearer challenge', async () => {
    const gw = await gatewayFor({ PROBE_ISSUER: idp.issuer });
    for (const header of [undefined, `Basic ${Buffer.from('a:b').toString('base64')}`]) {
      const answer = await whoami(gw, header);
      expect(answer.status).toBe(401);
      expect(answer.headers.get('www-authenticate')).toBe('Bearer');
      expect(answer.body.error.code).toBe('unauthorized');
    }
  });

  it('rejects malformed tokens', async () => {
    const gw = await gatewayFor({ PROBE_ISSUER: idp.issuer });
    expectInvalid(await whoami(gw, 'Bearer'), 'malformed');
    expectInvalid(await whoami(gw, 'Bearer not.a.jwt'), 'malformed');
    expectInvalid(await whoami(gw, `Bearer ${await token()} extra`), 'malformed');
  });

  it('rejects an expired token', async () => {
    const gw = await gatewayFor({ PROBE_ISSUER: idp.issuer });
    const fresh = await token();
    clock.set(Date.now() + 2 * 3600_000);
    expectInvalid(await whoami(gw, `Bearer ${fresh}`), 'expired');
  });

  it('rejects a token of another issuer, even one that is valid there', async () => {
    const gw = await gatewayFor({ PROBE_ISSUER: idp.issuer });
    expectInvalid(await whoami(gw, `Bearer ${await token(other)}`));
  });

  it('checks the audience only when configured', async () => {
    const foreign = await token(idp, 'https://elsewhere.test');
    const strict = await gatewayFor({ PROBE_ISSUER: idp.issuer, PROBE_AUDIENCE: audience });
    expectInvalid(await whoami(strict, `Bearer ${foreign}`), 'aud claim rejected');
    const lax = await gatewayFor({ PROBE_ISSUER: idp.issuer });
    expect((await whoami(lax, `Bearer ${foreign}`)).status).toBe(200);
  });

  it('requires exp', async () => {
    const gw = await gatewayFor({ PROBE_ISSUER: idp.issuer });
    const noExp = await idp.sign({ iss: idp.issuer, sub: 'x', aud: audience });
    expectInvalid(await whoami(gw, `Bearer ${noExp}`), 'exp claim rejected');
  });

  it('rejects a token issued in the future, beyond the clock tolerance', async () => {
    const gw = await gatewayFor({ PROBE_ISSUER: idp.issuer });
    const now = Math.floor(clock.now() / 1000);
    const claims = { iss: idp.issuer, sub: 'x', exp: now + 3600 };
    const future = await idp.sign({ ...claims, iat: now + 600 });
    expectInvalid(await whoami(gw, `Bearer ${future}`), 'iat claim rejected');
    const slightlyAhead = await idp.sign({ ...claims, iat: now + 10 });
    expect((await whoami(gw, `Bearer ${slightlyAhead}`)).status).toBe(200);
  });

  it('rejects an absurd lifetime; the bound is CALLER_MAX_LIFETIME, default 24 h', async () => {
    const gw = await gatewayFor({ PROBE_ISSUER: idp.issuer });
    const now = Math.floor(clock.now() / 1000);
    const years = await idp.sign({
      iss: idp.issuer,
      sub: 'x',
      iat: now,
      exp: now + 5 * 365 * 86400,
    });
    expectInvalid(await whoami(gw, `Bearer ${years}`), 'exp claim rejected: lifetime');
    const noIat = await idp.sign({ iss: idp.issuer, sub: 'x', exp: now + 3 * 86400 });
    expectInvalid(await whoami(gw, `Bearer ${noIat}`), 'lifetime');
    const day = await idp.sign({ iss: idp.issuer, sub: 'x', iat: now, exp: now + 86400 });
    expect((await whoami(gw, `Bearer ${day}`)).status).toBe(200);
    const strict = await gatewayFor({ PROBE_ISSUER: idp.issuer, CALLER_MAX_LIFETIME: '600' });
    expectInvalid(await whoami(strict, `Bearer ${day}`), 'lifetime');
    expect((await whoami(strict, `Bearer ${await token()}`)).status).toBe(401);
  });

  it('rejects alg none, symmetric algorithms and forged signatures', async () => {
    const gw = await gatewayFor({ PROBE_ISSUER: idp.issuer });
    const claims = {
      iss: idp.issuer,
      sub: 'x',
      aud: audience,
      exp: Math.floor(clock.now() / 1000) + 600,
    };
    const part = (value: object) => base64url.encode(JSON.stringify(value));
    const unsecured = `${part({ alg: 'none' })}.${part(claims)}.`;
    expectInvalid(await whoami(gw, `Bearer ${unsecured}`));

    const hs = await new SignJWT(claims)
      .setProtectedHeader({ alg: 'HS256', kid: idp.kids()[0] })
      .sign(new TextEncoder().encode('a-guessable-shared-secret-32-bytes!'));
    expectInvalid(await whoami(gw, `Bearer ${hs}`), 'algorithm not allowed');

    const { privateKey } = await generateKeyPair('RS256');
    const forged = await new SignJWT(claims)
      .setProtectedHeader({ alg: 'RS256', kid: idp.kids()[0] })
      .sign(privateKey);
    expectInvalid(await whoami(gw, `Bearer ${forged}`), 'bad signature');
  });

  it('follows a key rotation at the issuer, refetching the JWKS at most once per cooldown', async () => {
    const rotating = await startOidcIdp(idpOptions);
    try {
      const gw = await gatewayFor({ PROBE_ISSUER: rotating.issuer });
      const before = await token(rotating);
      expect((await whoami(gw, `Bearer ${before}`)).status).toBe(200);
      expect(rotating.counts.jwks).toBe(1);

      await rotating.rotateKeys();
      const after = await token(rotating);
      clock.advance(31_000);
      const answers = await Promise.all(
        Array.from({ length: 20 }, () => whoami(gw, `Bearer ${after}`)),
      );
      expect(answers.map((a) => a.status)).toEqual(Array(20).fill(200));
      expect(rotating.counts.jwks).toBe(2);
      expect((await whoami(gw, `Bearer ${before}`)).status).toBe(200);

      // Within the cooldown an unknown kid does not reach the issuer again.
      const { privateKey } = await generateKeyPair('RS256');
      const stranger = await new SignJWT({
        iss: rotating.issuer,
        exp: Math.floor(clock.now() / 1000) + 60,
      })
        .setProtectedHeader({ alg: 'RS256', kid: 'unknown-kid' })
        .sign(privateKey);
      expectInvalid(await whoami(gw, `Bearer ${stranger}`), 'unknown signing key');
      expect(rotating.counts.jwks).toBe(2);
      expect(rotating.counts.discovery).toBe(1);
    } finally {
      await rotating.close();
    }
  });

  it('answers 502 when the discovery document or the JWKS is over 1 MiB', async () => {
    for (const mode of ['huge-discovery', 'huge-jwks'] as const) {
      const proxy = await startIssuerProxy(idp);
      try {
        proxy.mode = mode;
        const gw = await gatewayFor({ PROBE_ISSUER: proxy.issuer });
        const answer = await whoami(gw, `Bearer ${await token()}`);
        expect(answer.status, mode).toBe(502);
        expect(answer.body.error.code).toBe('upstream_error');
        expect(gw.logs.join('\n')).toMatch(/larger than 1048576 bytes/);
      } finally {
        await proxy.close();
      }
    }
  });

  it('answers 503, not 401, when the issuer cannot be reached', async () => {
    const gw = await gatewayFor({ PROBE_ISSUER: (await refusedUrl('')).replace(/\/$/, '') });
    const answer = await whoami(gw, `Bearer ${await token()}`);
    expect(answer.status).toBe(503);
    expect(answer.body.error.code).toBe('unavailable');
    expect(answer.headers.get('www-authenticate')).toBeNull();
  });

  it('answers 503 within the timeout when the issuer stalls, and recovers afterwards', async () => {
    const proxy = await startIssuerProxy(idp);
    try {
      proxy.mode = 'stall';
      const gw = await gatewayFor({ PROBE_ISSUER: proxy.issuer, PROBE_TIMEOUT: '300' });
      const started = Date.now();
      const stalled = await whoami(gw, `Bearer ${await token()}`);
      expect(Date.now() - started).toBeLessThan(300 + 700);
      expect(stalled.status).toBe(503);
      // Failures are not remembered: once the issuer answers, discovery is retried. The token
      // names the real issuer, so it is rejected — by the verifier, with a 401.
      proxy.mode = 'ok';
      expectInvalid(await whoami(gw, `Bearer ${await token()}`), 'iss claim rejected');
    } finally {
      await proxy.close();
    }
  });

  it('does not ask a failing JWKS endpoint again within the cooldown', async () => {
    const proxy = await startIssuerProxy(idp);
    try {
      const gw = await gatewayFor({ PROBE_ISSUER: proxy.issuer });
      // Signed by the issuer's key, so the key set is consulted; only the `iss` is foreign.
      expectInvalid(await whoami(gw, `Bearer ${await token()}`), 'iss claim rejected');
      expect(proxy.jwks).toBe(1);

      proxy.mode = 'fail';
      const { privateKey } = await generateKeyPair('RS256');
      const stranger = await new SignJWT({
        iss: proxy.issuer,
        exp: Math.floor(clock.now() / 1000) + 600,
      })
        .setProtectedHeader({ alg: 'RS256', kid: 'unknown-kid' })
        .sign(privateKey);
      clock.advance(31_000);
      expect((await whoami(gw, `Bearer ${stranger}`)).status).toBe(503);
      expect(proxy.jwks).toBe(2);
      expectInvalid(await whoami(gw, `Bearer ${stranger}`), 'unknown signing key');
      expect(proxy.jwks).toBe(2);

      // Past its age the set is refreshed before use, but a failed refresh is not retried on
      // every request: the old keys keep verifying meanwhile.
      clock.advance(600_000);
      for (let i = 0; i < 3; i++) {
        expectInvalid(await whoami(gw, `Bearer ${await token()}`), 'iss claim rejected');
      }
      expect(proxy.jwks).toBe(3);
    } finally {
      await proxy.close();
    }
  });

  it('refuses to be configured with none or symmetric algorithms', () => {
    const settings = { issuer: 'https://issuer.test/', fetch };
    expect(() => createCallerAuth({ ...settings, algorithms: ['none'] })).toThrow();
    expect(() => createCallerAuth({ ...settings, algorithms: ['HS256'] })).toThrow();
    expect(() => createCallerAuth({ ...settings, algorithms: ['RS256', 'ES256'] })).not.toThrow();
  });
});
