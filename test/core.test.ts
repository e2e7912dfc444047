import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, postJson, startGateway, type TestGateway } from './support/gateway';
import { sampleProvider } from './support/sample-provider';

const secret = 'sample-secret-value-123';

describe('core HTTP behaviour', () => {
  let gw: TestGateway;
  beforeAll(async () => {
    gw = await startGateway({
      definitions: [sampleProvider()],
      env: { SAMPLE_SECRET: secret, CORS_ORIGINS: 'https://app.example, https://other.example' },
    });
  });
  afterAll(() => gw.close());

  it('answers tokens with no-store headers, expiresIn and expiresAt', async () => {
    const res = await call(`${gw.url}/api/sample/token?user=ann`);
    expect(res.status).toBe(200);
    expect(res.headers.get('cache-control')).toBe('no-store');
    expect(res.headers.get('pragma')).toBe('no-cache');
    expect(res.body).toMatchObject({ token: 't-ann', expiresIn: 60, user: 'ann' });
    const expiresAt = Date.parse(res.body.expiresAt);
    expect(Math.abs(expiresAt - Date.now() - 60_000)).toBeLessThan(5_000);
  });

  it('indents JSON answers on ?pretty', async () => {
    const plain = await call(`${gw.url}/api/sample/token?user=ann`);
    const pretty = await call(`${gw.url}/api/sample/token?user=ann&pretty`);
    expect(plain.text).not.toContain('\n');
    expect(pretty.text).toContain('\n  "token": "t-ann"');
  });

  it('takes the same fields from a JSON body on POST', async () => {
    const res = await postJson(`${gw.url}/api/sample/token`, { user: 'bob' });
    expect(res.status).toBe(200);
    expect(res.body.token).toBe('t-bob');
  });

  it('renders a missing field as a 400 naming it', async () => {
    const res = await call(`${gw.url}/api/sample/token`);
    expect(res.status).toBe(400);
    expect(res.body.error).toEqual({
      code: 'invalid_request',
      message: 'user is required',
      field: 'user',
    });
    expect(res.body.requestId).toBe(res.headers.get('x-request-id'));
  });

  it('rejects non-JSON bodies with 415, big ones with 413, broken ones with 400', async () => {
    const url = `${gw.url}/api/sample/token`;
    const text = await call(url, {
      method: 'POST',
      headers: { 'content-type': 'text/plain' },
      body: 'user=x',
    });
    expect(text.status).toBe(415);
    expect(text.body.error.code).toBe('unsupported_media_type');

    const big = await postJson(url, { user: 'x'.repeat(17 * 1024) });
    expect(big.status).toBe(413);
    expect(big.body.error.code).toBe('payload_too_large');

    const fits = await postJson(url, { user: 'x'.repeat(15 * 1024) });
    expect(fits.status).toBe(200);

    const broken = await call(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"user":',
    });
    expect(broken.status).toBe(400);
    expect(broken.body.error).toMatchObject({ code: 'invalid_request', field: 'body' });

    const list = await postJson(url, ['user']);
    expect(list.status).toBe(400);
    expect(list.body.error.field).toBe('body');
  });

  it('keeps a sane caller request id and replaces an unsafe one', async () => {
    const kept = await call(`${gw.url}/healthz`, { headers: { 'X-Request-Id': 'abc-123.x:y' } });
    expect(kept.headers.get('x-request-id')).toBe('abc-123.x:y');
    const replaced = await call(`${gw.url}/healthz`, {
      headers: { 'X-Request-Id': 'a b<script>' },
    });
    expect(replaced.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
    const long = await call(`${gw.url}/healthz`, { headers: { 'X-Request-Id': 'a'.repeat(200) } });
    expect(long.headers.get('x-request-id')).not.toBe('a'.repeat(200));
  });

  it('answers unknown routes with a JSON 404', async () => {
    const res = await call(`${gw.url}/api/nothing/here`);
    expect(res.status).toBe(404);
    expect(res.body.error.code).toBe('not_found');
    expect(res.headers.get('x-request-id')).toBeTruthy();
  });

  it('hides unexpected errors behind internal_error and never logs their message', async () => {
    const res = await call(`${gw.url}/api/sample/boom`);
    expect(res.status).toBe(500);
    expect(res.body.error.code).toBe('internal_error');
    expect(res.body.error.message).toContain(res.body.requestId);
    expect(res.text).not.toContain(secret);
    expect(
      gw.logs.some((l) => l.includes('unhandled error') && l.includes(res.body.requestId)),
    ).toBe(true);
    expect(gw.logs.join('\n')).not.toContain(secret);
  });

  it('passes typed error headers such as Retry-After through', async () => {
    const res = await call(`${gw.url}/api/sample/teapot`);
    expect(res.status).toBe(429);
    expect(res.headers.get('retry-after')).toBe('7');
    expect(res.body.error).toMatchObject({ code: 'rate_limited', message: 'slow down' });
  });

  it('allows listed CORS origins only, and answers preflights', async () => {
    const ok = await call(`${gw.url}/healthz`, { headers: { Origin: 'https://app.example' } });
    expect(ok.headers.get('access-control-allow-origin')).toBe('https://app.example');
    expect(ok.headers.get('vary')).toContain('Origin');
    const other = await call(`${gw.url}/healthz`, { headers: { Origin: 'https://evil.example' } });
    expect(other.headers.get('access-control-allow-origin')).toBeNull();
    const preflight = await call(`${gw.url}/api/sample/token`, {
      method: 'OPTIONS',
      headers: { Origin: 'https://other.example', 'Access-Control-Request-Method': 'POST' },
    });
    expect(preflight.status).toBe(204);
    expect(preflight.headers.get('access-control-allow-headers')).toContain('Authorization');
  });

  it('reports health, readiness, providers and metrics', async () => {
    expect((await call(`${gw.url}/healthz`)).body).toEqual({ status: 'ok' });
    const ready = await call(`${gw.url}/readyz`);
    expect(ready.status).toBe(200);
    expect(ready.body).toMatchObject({
      status: 'ready',
      store: 'memory',
      checks: { store: 'ok', sample: 'ok' },
    });
    const providers = await call(`${gw.url}/api/providers`);
    expect(providers.body.providers).toHaveLength(1);
    expect(providers.body.providers[0].routes).toEqual(
      expect.arrayContaining([
        { methods: ['GET'], path: '/api/sample/token' },
        { methods: ['POST'], path: '/api/sample/token' },
        { methods: ['GET'], path: '/sample-compat' },
        { methods: ['ANY'], path: '/api/sample/any' },
      ]),
    );
    const metrics = await call(`${gw.url}/metrics`);
    expect(metrics.text).toMatch(/tokengate_requests_total\{provider="sample",status="200"\} \d+/);
  });

  it('mounts root compatibility routes and tags their log lines with the provider', async () => {
    const res = await call(`${gw.url}/sample-compat`, { headers: { 'X-Request-Id': 'compat-1' } });
    expect(res.body).toEqual({ compat: true });
    const line = gw.logs.find((l) => l.includes('requestId=compat-1'));
    expect(line).toContain('provider=sample');
  });

  it('never logs the query string', async () => {
    await call(`${gw.url}/api/sample/token?user=ann&id=bbaareqprivatekeymaterial`, {
      headers: { 'X-Request-Id': 'query-1' },
    });
    const line = gw.logs.find((l) => l.includes('requestId=query-1'));
    expect(line).toContain('route=/api/sample/token');
    expect(gw.logs.join('\n')).not.toContain('bbaareqprivatekeymaterial');
  });

  it('refuses WebSocket upgrades on paths no provider owns', async () => {
    const { request } = await import('node:http');
    const status = await new Promise<number | undefined>((resolve, reject) => {
      const req = request(`${gw.url}/api/sample/ws`, {
        headers: {
          Connection: 'Upgrade',
          Upgrade: 'websocket',
          'Sec-WebSocket-Version': '13',
          'Sec-WebSocket-Key': 'dGhlIHNhbXBsZSBub25jZQ==',
        },
      });
      req.on('response', (res) => resolve(res.statusCode));
      req.on('upgrade', () => resolve(101));
      req.on('error', reject);
      req.end();
    });
    expect(status).toBe(404);
  });
});

describe('CORS_ORIGINS=*', () => {
  it('allows any origin, on errors too', async () => {
    const gw = await startGateway({
      definitions: [sampleProvider()],
      env: { SAMPLE_SECRET: secret, CORS_ORIGINS: '*' },
    });
    const res = await call(`${gw.url}/healthz`, {
      headers: { Origin: 'https://anything.example' },
    });
    const error = await call(`${gw.url}/api/sample/token`, {
      headers: { Origin: 'https://anything.example' },
    });
    await gw.close();
    expect(res.headers.get('access-control-allow-origin')).toBe('*');
    expect(error.status).toBe(400);
    expect(error.headers.get('access-control-allow-origin')).toBe('*');
    expect(error.headers.get('access-control-expose-headers')).toContain('X-Request-Id');
  });
});

describe('readiness', () => {
  it('answers 503 naming the provider that is not ready', async () => {
    const gw = await startGateway({
      definitions: [
        sampleProvider('sample', async () => {
          throw new Error('upstream unreachable');
        }),
      ],
      env: { SAMPLE_SECRET: secret },
    });
    const res = await call(`${gw.url}/readyz`);
    await gw.close();
    expect(res.status).toBe(503);
    expect(res.body).toEqual({
      status: 'not_ready',
      store: 'memory',
      checks: { store: 'ok', sample: 'upstream unreachable' },
    });
  });
});

describe('log format', () => {
  it('writes one JSON object per line with LOG_FORMAT=json', async () => {
    const gw = await startGateway({
      definitions: [sampleProvider()],
      env: { SAMPLE_SECRET: secret, LOG_FORMAT: 'json' },
    });
    await call(`${gw.url}/api/sample/token?user=z`, { headers: { 'X-Request-Id': 'json-1' } });
    await gw.close();
    const entries = gw.logs.map((line) => JSON.parse(line));
    expect(entries.find((e) => e.requestId === 'json-1')).toMatchObject({
      level: 'info',
      msg: 'request',
      method: 'GET',
      route: '/api/sample/token',
      status: 200,
      provider: 'sample',
    });
  });
});

describe('graceful shutdown', () => {
  it('finishes in-flight requests, then stops accepting', async () => {
    const gw = await startGateway({
      definitions: [sampleProvider()],
      env: { SAMPLE_SECRET: secret },
    });
    const inFlight = call(`${gw.url}/api/sample/wait?ms=300`);
    await new Promise((resolve) => setTimeout(resolve, 50));
    const closing = gw.close();
    const res = await inFlight;
    await closing;
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ waited: true });
    await expect(fetch(`${gw.url}/healthz`)).rejects.toThrow();
  });
});
