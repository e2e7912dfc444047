import { afterEach, describe, expect, it } from 'vitest';
import { agoraProvider } from '../providers/agora';
import { createGateway } from '../src/app';
import { parseRate } from '../src/rate-limits';
import { adminKey, agoraEnv } from './support/agora-fixtures';
import { call, postJson, startGateway, type TestGateway } from './support/gateway';
import { bearer, startKinto } from './support/kinto-fixture';
import { startEchoUpstream } from './support/kinto-upstreams';
import { sampleProvider } from './support/sample-provider';

const gateways: Array<{ close(): Promise<void> }> = [];
afterEach(async () => {
  await Promise.all(gateways.splice(0).map((gw) => gw.close()));
});

const sample = async (env: Record<string, string>) => {
  const gw = await startGateway({
    definitions: [sampleProvider()],
    env: { SAMPLE_SECRET: 'sample-secret-value-123', ...env },
  });
  gateways.push(gw);
  return gw;
};
const token = (gw: TestGateway, headers: Record<string, string> = {}) =>
  call(`${gw.url}/api/sample/token?user=u`, { headers });

describe('rate limits', () => {
  it('parses budgets, and refuses nonsense at boot naming the variable', async () => {
    expect(parseRate('60/m')).toEqual({ points: 60, seconds: 60 });
    expect(parseRate('10/s')).toEqual({ points: 10, seconds: 1 });
    expect(parseRate('off')).toBeUndefined();
    expect(parseRate('0')).toBeUndefined();
    for (const bad of ['60', '0/m', '1/d', '-1/m']) expect(parseRate(bad)).toMatch(/must be/);
    await expect(
      createGateway({
        env: {
          SAMPLE_SECRET: 'sample-secret-value-123',
          RATE_LIMIT_SAMPLE: 'lots',
          RATE_LIMIT_FAILURES: '5',
        },
        definitions: [sampleProvider()],
        writeLog: () => {},
      }),
    ).rejects.toMatchObject({
      problems: expect.arrayContaining([
        expect.stringMatching(/^RATE_LIMIT_FAILURES: must be/),
        expect.stringMatching(/^RATE_LIMIT_SAMPLE: must be/),
      ]),
    });
  });

  it('counts per provider, takes RATE_LIMIT_<ID> over RATE_LIMIT, and leaves core routes alone', async () => {
    const gw = await sample({ RATE_LIMIT: '2/m', RATE_LIMIT_SAMPLE: '3/m' });
    const statuses = [];
    for (let i = 0; i < 4; i++) statuses.push((await token(gw)).status);
    expect(statuses).toEqual([200, 200, 200, 429]);
    expect((await call(`${gw.url}/sample-compat`)).status).toBe(429);
    for (let i = 0; i < 5; i++) expect((await call(`${gw.url}/healthz`)).status).toBe(200);
    const metrics = await call(`${gw.url}/metrics`);
    expect(metrics.text).toMatch(
      /tokengate_rate_limit_total\{provider="sample",kind="client",outcome="allowed"\} 3/,
    );
  });

  it('is off with off or 0', async () => {
    const gw = await sample({ RATE_LIMIT: 'off' });
    for (let i = 0; i < 150; i++) expect((await token(gw)).status).toBe(200);
  });

  it('tells clients apart by X-Forwarded-For only behind a trusted proxy', async () => {
    const open = await sample({ RATE_LIMIT: '2/m' });
    const spoofed = [];
    for (let i = 0; i < 3; i++)
      spoofed.push((await token(open, { 'x-forwarded-for': `10.0.0.${i}` })).status);
    expect(spoofed).toEqual([200, 200, 429]);
    const proxied = await sample({ RATE_LIMIT: '2/m', TRUST_PROXY: 'loopback' });
    const clients = [];
    for (let i = 0; i < 3; i++)
      clients.push((await token(proxied, { 'x-forwarded-for': `10.0.0.${i}` })).status);
    expect(clients).toEqual([200, 200, 200]);
    const same = [];
    for (let i = 0; i < 3; i++)
      same.push((await token(proxied, { 'x-forwarded-for': '10.0.0.9' })).status);
    expect(same).toEqual([200, 200, 429]);
  });

  it('counts a Kinto session as a principal, whatever address it comes from', async () => {
    const echo = await startEchoUpstream();
    gateways.push(echo);
    const kinto = await startKinto([{ name: 'echo', upstream: echo.url }], {
      env: { RATE_LIMIT: 'off', RATE_LIMIT_KINTO: '4/m', TRUST_PROXY: 'loopback' },
    });
    gateways.push(kinto);
    const session = await kinto.token();
    const statuses = [];
    for (let i = 0; i < 5; i++) {
      const answer = await call(`${kinto.api}/services/echo/x`, {
        headers: { ...bearer(session), 'x-forwarded-for': `10.1.0.${i}` },
      });
      statuses.push(answer.status);
    }
    expect(statuses).toEqual([200, 200, 200, 200, 429]);
  });

  it('refuses guesses of the Agora admin key past the failure budget', async () => {
    const gw = await startGateway({
      definitions: [agoraProvider],
      env: { ...agoraEnv, RATE_LIMIT: 'off', RATE_LIMIT_FAILURES: '2/m' },
    });
    gateways.push(gw);
    const guess = (key: string) =>
      call(`${gw.url}/api/agora/chat/app`, { headers: { authorization: `Bearer ${key}` } });
    expect((await guess('wrong-key-000000000001')).status).toBe(401);
    expect((await guess('wrong-key-000000000002')).status).toBe(401);
    expect((await guess('wrong-key-000000000003')).status).toBe(429);
    expect((await guess(adminKey)).status).toBe(429);
    expect((await postJson(`${gw.url}/api/agora/inspect`, { token: 'x' })).status).toBe(400);
  });
});
