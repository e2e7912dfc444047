import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { bentleyProvider } from '../providers/bentley';
import {
  leakedSecret,
  refusedUrl,
  startBrokenIms,
  type BrokenIms,
} from './support/bentley-broken-ims';
import { imsClient, startBentleyIdps, type BentleyIdps } from '../standins/bentley/idps';
import { call, startGateway, type TestGateway } from './support/gateway';
import { manualClock } from './support/clock';

let idps: BentleyIdps;
let ims: BrokenIms;
let callerToken: string;
const clock = manualClock();
const gateways: TestGateway[] = [];

const gatewayWith = async (env: Record<string, string> = {}) => {
  const gw = await startGateway({
    definitions: [bentleyProvider],
    env: {
      ...idps.env,
      LOG_LEVEL: 'debug',
      BENTLEY_TOKEN_URL: ims.tokenUrl,
      BENTLEY_UPSTREAM_TIMEOUT: '1000',
      ...env,
    },
    clock,
  });
  gateways.push(gw);
  return gw;
};
const getToken = (gw: TestGateway) =>
  call(`${gw.url}/api/bentley/token`, { headers: { authorization: `Bearer ${callerToken}` } });
const metric = async (gw: TestGateway, outcome: string) =>
  (await gw.gateway.metrics.render())
    .split('\n')
    .find(
      (line) =>
        line.startsWith('tokengate_upstream_requests_total') && line.includes(`"${outcome}"`),
    );

beforeAll(async () => {
  idps = await startBentleyIdps();
  callerToken = await idps.callerToken();
});
afterEach(async () => {
  for (const gw of gateways) {
    expect(gw.logs.join('\n')).not.toContain(imsClient.secret);
    expect(gw.logs.join('\n')).not.toMatch(/opaque-\d/);
  }
  await Promise.all(gateways.splice(0).map((gw) => gw.close()));
  await ims?.close();
  clock.set(Date.now());
});
afterAll(() => idps.close());

describe('bentley provider when the IMS misbehaves', () => {
  it('retries 5xx answers within the deadline, then answers 502', async () => {
    ims = await startBrokenIms('status500');
    const gw = await gatewayWith({ BENTLEY_UPSTREAM_TIMEOUT: '3000' });
    const answer = await getToken(gw);
    expect(answer.status).toBe(502);
    expect(answer.body.error).toMatchObject({ code: 'upstream_error' });
    expect(answer.body.error.message).toContain('HTTP 500');
    expect(ims.requests).toBeGreaterThanOrEqual(2);
    expect(ims.requests).toBeLessThanOrEqual(4);
    expect(await metric(gw, 'server_error')).toMatch(new RegExp(` ${ims.requests}$`));
  });

  it('answers 502 for garbage JSON without retrying', async () => {
    ims = await startBrokenIms('garbage');
    const gw = await gatewayWith();
    const answer = await getToken(gw);
    expect(answer.status).toBe(502);
    expect(answer.body.error.message).toContain('invalid JSON');
    expect(ims.requests).toBe(1);
  });

  it('answers 504 when the IMS stalls, instead of hanging', async () => {
    ims = await startBrokenIms('stall');
    const gw = await gatewayWith({ BENTLEY_UPSTREAM_TIMEOUT: '300' });
    const started = Date.now();
    const answer = await getToken(gw);
    expect(Date.now() - started).toBeLessThan(300 + 500);
    expect(answer.status).toBe(504);
    expect(answer.body.error.code).toBe('upstream_timeout');
    expect(await metric(gw, 'timeout')).toBeDefined();
  });

  it('answers 503 at once when the provider closes during a stalled IMS call', async () => {
    ims = await startBrokenIms('stall');
    const gw = await gatewayWith({ BENTLEY_UPSTREAM_TIMEOUT: '20000' });
    const pending = getToken(gw);
    while (ims.requests === 0) await new Promise((resolve) => setTimeout(resolve, 10));
    const started = Date.now();
    await gw.gateway.close();
    const answer = await pending;
    expect(Date.now() - started).toBeLessThan(1_000);
    expect(answer.status).toBe(503);
    expect(answer.body.error.code).toBe('unavailable');
  });

  it('answers 502 when the connection is refused, after retrying', async () => {
    ims = await startBrokenIms('ok');
    const gw = await gatewayWith({ BENTLEY_TOKEN_URL: await refusedUrl() });
    const answer = await getToken(gw);
    expect(answer.status).toBe(502);
    expect(answer.body.error.message).toContain('unreachable');
    expect(await metric(gw, 'network_error')).toMatch(/ [2-4]$/);
  });

  it('answers 502 when IMS discovery is unreachable', async () => {
    ims = await startBrokenIms('ok');
    const gw = await gatewayWith({
      BENTLEY_TOKEN_URL: '',
      BENTLEY_AUTHORITY: await refusedUrl(''),
    });
    const answer = await getToken(gw);
    expect(answer.status).toBe(502);
    expect(answer.body.error.message).toContain('IMS discovery');
  });

  it('passes on only a known RFC 6749 error code, never error text', async () => {
    ims = await startBrokenIms('leaky_error');
    const gw = await gatewayWith();
    const answer = await getToken(gw);
    expect(answer.status).toBe(502);
    expect(answer.body.error.message).toBe('token endpoint answered HTTP 401');
    expect(answer.text).not.toContain('S3cr');
    expect(gw.logs.join('\n')).not.toContain(leakedSecret);
    ims.mode = 'invalid_client';
    const known = await getToken(gw);
    expect(known.body.error.message).toBe('token endpoint refused the request: invalid_client');
  });

  it('refuses a token answer over 1 MiB without buffering it whole', async () => {
    ims = await startBrokenIms('huge');
    const gw = await gatewayWith({ BENTLEY_UPSTREAM_TIMEOUT: '10000' });
    const before = process.memoryUsage().rss;
    const answer = await getToken(gw);
    expect(answer.status).toBe(502);
    expect(answer.body.error.message).toMatch(/larger than 1048576 bytes/);
    expect(process.memoryUsage().rss - before).toBeLessThan(40 * 1024 * 1024);
    expect(ims.requests).toBe(1);
  });

  it('refuses a discovery document over 1 MiB', async () => {
    ims = await startBrokenIms('huge_discovery');
    const gw = await gatewayWith({
      BENTLEY_TOKEN_URL: '',
      BENTLEY_AUTHORITY: ims.tokenUrl.replace(/\/token$/, ''),
    });
    const answer = await getToken(gw);
    expect(answer.status).toBe(502);
    expect(answer.body.error.message).toMatch(/larger than 1048576 bytes/);
  });

  it('never caches failures', async () => {
    ims = await startBrokenIms('invalid_client');
    const gw = await gatewayWith();
    const refused = await getToken(gw);
    expect(refused.status).toBe(502);
    expect(refused.body.error.message).toBe('token endpoint refused the request: invalid_client');
    ims.mode = 'ok';
    expect((await getToken(gw)).body.token).toBe('opaque-1');
  });

  it('keeps serving a cached token that has not expired while the IMS fails', async () => {
    ims = await startBrokenIms('ok');
    const gw = await gatewayWith({ BENTLEY_UPSTREAM_TIMEOUT: '300' });
    const start = clock.now();
    expect((await getToken(gw)).body).toMatchObject({ token: 'opaque-1', expiresIn: 300 });

    ims.mode = 'status500';
    clock.set(start + 250_000);
    const stale = await getToken(gw);
    expect(stale.status).toBe(200);
    expect(stale.body).toMatchObject({ token: 'opaque-1', expiresIn: 50 });
    expect(ims.requests).toBeGreaterThan(1);

    clock.set(start + 300_000);
    expect((await getToken(gw)).status).toBe(502);
    ims.mode = 'ok';
    expect((await getToken(gw)).body).toMatchObject({ token: 'opaque-2', expiresIn: 300 });
  });

  it('caps an absurd announced lifetime instead of failing', async () => {
    ims = await startBrokenIms('ok');
    ims.expiresIn = 1e13;
    const gw = await gatewayWith();
    const answer = await getToken(gw);
    expect(answer.status).toBe(200);
    expect(answer.body).toMatchObject({ token: 'opaque-1', expiresIn: 24 * 3600 });
  });

  it('refreshes short-lived tokens at half their lifetime, with one call for concurrent requests', async () => {
    ims = await startBrokenIms('ok');
    ims.expiresIn = 60;
    const gw = await gatewayWith();
    const start = clock.now();
    expect((await getToken(gw)).body).toMatchObject({ token: 'opaque-1', expiresIn: 60 });
    clock.set(start + 29_999);
    expect((await getToken(gw)).body).toMatchObject({ token: 'opaque-1', expiresIn: 30 });
    expect(ims.requests).toBe(1);

    clock.set(start + 30_000);
    const answers = await Promise.all(Array.from({ length: 50 }, () => getToken(gw)));
    expect(new Set(answers.map((a) => a.body.token))).toEqual(new Set(['opaque-2']));
    expect(ims.requests).toBe(2);
  });
});
