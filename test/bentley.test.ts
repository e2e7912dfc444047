import { createRemoteJWKSet, jwtVerify } from 'jose';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { bentleyProvider } from '../providers/bentley';
import { bentleyConfigSchema } from '../providers/bentley/config';
import { createGateway } from '../src/app';
import { refusedUrl } from './support/bentley-broken-ims';
import {
  imsAudience,
  imsClient,
  imsPostClient,
  imsScope,
  startBentleyIdps,
  type BentleyIdps,
} from '../standins/bentley/idps';
import { call, startGateway, type TestGateway } from './support/gateway';
import { manualClock } from './support/clock';

let idps: BentleyIdps;
const clock = manualClock();
const gateways: TestGateway[] = [];
const seenTokens: string[] = [];

const gatewayWith = async (env: Record<string, string> = {}) => {
  const gw = await startGateway({
    definitions: [bentleyProvider],
    env: { ...idps.env, LOG_LEVEL: 'debug', ...env },
    clock,
  });
  gateways.push(gw);
  return gw;
};

const getToken = async (gw: TestGateway, callerToken?: string) => {
  const authorization = `Bearer ${callerToken ?? (await idps.callerToken())}`;
  const answer = await call(`${gw.url}/api/bentley/token`, { headers: { authorization } });
  if (answer.status === 200) seenTokens.push(answer.body.token);
  return answer;
};

beforeAll(async () => {
  idps = await startBentleyIdps();
});
afterEach(async () => {
  for (const gw of gateways) {
    const logs = gw.logs.join('\n');
    expect(logs).not.toContain(imsClient.secret);
    expect(logs).not.toContain(imsPostClient.secret);
    for (const token of seenTokens) expect(logs).not.toContain(token);
  }
  await Promise.all(gateways.splice(0).map((gw) => gw.close()));
  clock.set(Date.now());
});
afterAll(() => idps.close());

describe('bentley provider against oidc-provider as IMS and as the caller IdP', () => {
  it('returns an IMS access token that verifies against the IMS JWKS', async () => {
    const gw = await gatewayWith();
    const answer = await getToken(gw);
    expect(answer.status).toBe(200);
    expect(answer.headers.get('cache-control')).toBe('no-store');
    expect(answer.body).toMatchObject({ tokenType: 'Bearer', scope: imsScope, expiresIn: 3600 });
    expect(answer.body.expiresAt).toBe(new Date(clock.now() + 3600_000).toISOString());

    const { payload } = await jwtVerify(
      answer.body.token,
      createRemoteJWKSet(new URL(idps.ims.jwksUri)),
      { issuer: idps.ims.issuer, audience: imsAudience },
    );
    expect(payload.scope).toBe(imsScope);
    expect(payload.client_id).toBe(imsClient.id);
  });

  it('serves GET /getToken as text/plain "Bearer <token>" from the same cache', async () => {
    const gw = await gatewayWith();
    const before = idps.ims.counts.token;
    const json = await getToken(gw);
    const authorization = `Bearer ${await idps.callerToken()}`;
    const text = await call(`${gw.url}/getToken`, { headers: { authorization } });
    expect(text.status).toBe(200);
    expect(text.headers.get('content-type')).toMatch(/^text\/plain/);
    expect(text.headers.get('cache-control')).toBe('no-store');
    expect(text.text).toBe(`Bearer ${json.body.token}`);
    expect(idps.ims.counts.token - before).toBe(1);

    const anonymous = await call(`${gw.url}/getToken`);
    expect(anonymous.status).toBe(401);
    expect(anonymous.headers.get('www-authenticate')).toBe('Bearer');
    const post = await call(`${gw.url}/getToken`, { method: 'POST', headers: { authorization } });
    expect([404, 405]).toContain(post.status);
  });

  it('makes exactly one IMS call for 100 concurrent cold requests', async () => {
    const gw = await gatewayWith();
    const callerToken = await idps.callerToken();
    const before = { ...idps.ims.counts };
    const callerBefore = { ...idps.caller.counts };
    const answers = await Promise.all(Array.from({ length: 100 }, () => getToken(gw, callerToken)));
    expect(answers.every((a) => a.status === 200)).toBe(true);
    expect(new Set(answers.map((a) => a.body.token)).size).toBe(1);
    expect(idps.ims.counts.token - before.token).toBe(1);
    expect(idps.ims.counts.discovery - before.discovery).toBe(1);
    // The caller check is cold too: one discovery and one JWKS fetch for all of them.
    expect(idps.caller.counts.discovery - callerBefore.discovery).toBe(1);
    expect(idps.caller.counts.jwks - callerBefore.jwks).toBe(1);
  });

  it('answers the remaining lifetime and refreshes 60 s ahead of expiry', async () => {
    const gw = await gatewayWith();
    const callerToken = await idps.callerToken();
    const before = idps.ims.counts.token;
    const start = clock.now();
    const first = await getToken(gw, callerToken);
    expect(first.body.expiresIn).toBe(3600);

    clock.set(start + 1000_000);
    const later = await getToken(gw, callerToken);
    expect(later.body.token).toBe(first.body.token);
    expect(later.body.expiresIn).toBe(2600);
    expect(later.body.expiresAt).toBe(first.body.expiresAt);

    clock.set(start + 3539_000);
    expect((await getToken(gw, callerToken)).body).toMatchObject({
      token: first.body.token,
      expiresIn: 61,
    });
    expect(idps.ims.counts.token - before).toBe(1);

    clock.set(start + 3540_000);
    const renewed = await getToken(gw, callerToken);
    expect(renewed.body.token).not.toBe(first.body.token);
    expect(renewed.body.expiresIn).toBe(3600);
    expect(idps.ims.counts.token - before).toBe(2);
  });

  it('authenticates with client_secret_post when asked to', async () => {
    const gw = await gatewayWith({
      BENTLEY_CLIENT_ID: imsPostClient.id,
      BENTLEY_CLIENT_SECRET: imsPostClient.secret,
      BENTLEY_CLIENT_AUTH: 'client_secret_post',
    });
    const answer = await getToken(gw);
    expect(answer.status).toBe(200);
    const { payload } = await jwtVerify(
      answer.body.token,
      createRemoteJWKSet(new URL(idps.ims.jwksUri)),
    );
    expect(payload.client_id).toBe(imsPostClient.id);
  });

  it('asks for BENTLEY_AUDIENCE as the resource', async () => {
    const gw = await gatewayWith({ BENTLEY_AUDIENCE: 'https://other-api.bentley.test' });
    const answer = await getToken(gw);
    const { payload } = await jwtVerify(
      answer.body.token,
      createRemoteJWKSet(new URL(idps.ims.jwksUri)),
      { audience: 'https://other-api.bentley.test' },
    );
    expect(payload.scope).toBe(imsScope);
  });

  it('uses BENTLEY_TOKEN_URL without discovery', async () => {
    const gw = await gatewayWith({
      BENTLEY_TOKEN_URL: idps.ims.tokenEndpoint,
      BENTLEY_AUTHORITY: await refusedUrl(''),
    });
    const discoveries = idps.ims.counts.discovery;
    expect((await getToken(gw)).status).toBe(200);
    expect(idps.ims.counts.discovery).toBe(discoveries);
  });

  it('reports invalid_client as 502 naming the code, never the secret, and does not cache it', async () => {
    const wrongSecret = 'wrong-secret-must-not-leak';
    const gw = await gatewayWith({ BENTLEY_CLIENT_SECRET: wrongSecret });
    const before = idps.ims.counts.token;
    for (let i = 0; i < 2; i++) {
      const answer = await getToken(gw);
      expect(answer.status).toBe(502);
      expect(answer.body.error.code).toBe('upstream_error');
      expect(answer.body.error.message).toContain('invalid_client');
      expect(answer.text).not.toContain(wrongSecret);
    }
    expect(idps.ims.counts.token - before).toBe(2);
    expect(gw.logs.join('\n')).not.toContain(wrongSecret);
  });

  it('reports invalid_scope as 502 naming the code', async () => {
    const gw = await gatewayWith({ BENTLEY_SCOPE: 'itwin-admin' });
    const answer = await getToken(gw);
    expect(answer.status).toBe(502);
    expect(answer.body.error.message).toContain('invalid_scope');
  });

  it('rejects callers with a token of the wrong issuer or audience', async () => {
    const gw = await gatewayWith();
    const before = idps.ims.counts.token;
    const imsToken = (await idps.ims.clientCredentials(imsClient, { scope: imsScope })).body
      .access_token as string;
    const wrongAudience = await idps.callerToken('https://not-the-gateway.test');
    for (const token of [imsToken, wrongAudience]) {
      const answer = await getToken(gw, token);
      expect(answer.status).toBe(401);
      expect(answer.headers.get('www-authenticate')).toBe('Bearer error="invalid_token"');
    }
    const missing = await call(`${gw.url}/api/bentley/token`);
    expect(missing.status).toBe(401);
    expect(missing.headers.get('www-authenticate')).toBe('Bearer');
    expect(idps.ims.counts.token).toBe(before);
  });

  it('lists its routes, including the root compatibility route', async () => {
    const gw = await gatewayWith();
    const { body } = await call(`${gw.url}/api/providers`);
    const bentley = body.providers.find((p: { id: string }) => p.id === 'bentley');
    for (const path of ['/api/providers', '/metrics', '/readyz']) {
      expect((await call(`${gw.url}${path}`)).text).not.toContain(imsClient.secret);
    }
    expect(bentley.routes).toEqual(
      expect.arrayContaining([
        { methods: ['GET'], path: '/api/bentley/token' },
        { methods: ['GET'], path: '/getToken' },
      ]),
    );
  });
});

describe('bentley configuration', () => {
  it('accepts the iTwin sample variable names, including the port', async () => {
    const gateway = await createGateway({
      definitions: [bentleyProvider],
      env: {
        ITM_TOKEN_SERVER_CLIENT_ID: imsClient.id,
        ITM_TOKEN_SERVER_CLIENT_SECRET: imsClient.secret,
        ITM_TOKEN_SERVER_SCOPE: imsScope,
        ITM_TOKEN_SERVER_AUTH0_DOMAIN: 'tenant.eu.auth0.com',
        ITM_TOKEN_SERVER_PORT: '3456',
      },
      writeLog: () => undefined,
    });
    expect(gateway.config.PORT).toBe(3456);
    expect(gateway.providers.map((p) => p.id)).toEqual(['bentley']);
    await gateway.close();

    const parsed = bentleyConfigSchema.parse({
      BENTLEY_CLIENT_ID: 'id',
      BENTLEY_CLIENT_SECRET: 'secret',
      BENTLEY_CALLER_ISSUER: 'tenant.eu.auth0.com',
    });
    expect(parsed).toMatchObject({
      BENTLEY_CALLER_ISSUER: 'https://tenant.eu.auth0.com/',
      BENTLEY_AUTHORITY: 'https://ims.bentley.com',
      BENTLEY_SCOPE: 'itwin-platform',
      BENTLEY_CLIENT_AUTH: 'client_secret_basic',
      BENTLEY_UPSTREAM_TIMEOUT: 10_000,
      BENTLEY_CALLER_ALGORITHMS: ['RS256'],
    });
    expect(
      bentleyConfigSchema.parse({
        BENTLEY_CLIENT_ID: 'id',
        BENTLEY_CLIENT_SECRET: 'secret',
        BENTLEY_CALLER_ISSUER: 'https://idp.test/realm',
      }).BENTLEY_CALLER_ISSUER,
    ).toBe('https://idp.test/realm');
    expect(
      bentleyConfigSchema.parse({
        BENTLEY_CLIENT_ID: 'id',
        BENTLEY_CLIENT_SECRET: 'secret',
        BENTLEY_CALLER_ISSUER: 'tenant.eu.auth0.com/',
      }).BENTLEY_CALLER_ISSUER,
    ).toBe('https://tenant.eu.auth0.com/');
  });

  it('refuses to start without a caller issuer, naming variables but never values', async () => {
    const boot = createGateway({
      definitions: [bentleyProvider],
      env: {
        BENTLEY_CLIENT_ID: imsClient.id,
        BENTLEY_CLIENT_SECRET: imsClient.secret,
        BENTLEY_CLIENT_AUTH: 'private_key_jwt',
        BENTLEY_CALLER_ALGORITHMS: 'HS256',
      },
      writeLog: () => undefined,
    });
    const error: Error = await boot.then(
      () => new Error('booted'),
      (e: Error) => e,
    );
    expect(error.name).toBe('BootError');
    expect(error.message).toContain('bentley: BENTLEY_CALLER_ISSUER: is required');
    expect(error.message).toContain('BENTLEY_CLIENT_AUTH');
    expect(error.message).toContain('BENTLEY_CALLER_ALGORITHMS');
    expect(error.message).not.toContain(imsClient.secret);
  });
});
