import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, postJson } from './support/gateway';
import { bearer, defaultClient, startKinto } from './support/kinto-fixture';
import { startEchoUpstream, type Upstream } from './support/kinto-upstreams';
import { manualClock } from './support/clock';

let echo: Upstream;
const clock = manualClock(Date.parse('2026-11-22T12:00:00Z'));
let kinto: Awaited<ReturnType<typeof startKinto>>;

beforeAll(async () => {
  echo = await startEchoUpstream();
  kinto = await startKinto([{ name: 'profile', upstream: echo.url }], {
    clock,
    env: { KINTO_SESSION_TTL: '3600', KINTO_MAX_SESSIONS: '3' },
  });
});

afterAll(async () => {
  await kinto?.close();
  await echo?.close();
});

describe('kinto session lifetime', () => {
  it('slides with each use and ends after KINTO_SESSION_TTL unused', async () => {
    const token = await kinto.token();
    const issued = Date.parse(
      (await call(`${kinto.api}/session`, { headers: bearer(token) })).body.expiresAt,
    );
    expect(issued).toBe(clock.now() + 3600_000);
    for (let i = 0; i < 3; i++) {
      clock.advance(3000_000);
      expect(
        (await call(`${kinto.api}/services/profile/x`, { headers: bearer(token) })).status,
      ).toBe(200);
    }
    const shown = await call(`${kinto.api}/session`, { headers: bearer(token) });
    expect(Date.parse(shown.body.expiresAt)).toBe(clock.now() + 3600_000);
    expect(shown.body.expiresIn).toBe(3600);
    clock.advance(3600_000 + 1);
    expect((await call(`${kinto.api}/session`, { headers: bearer(token) })).status).toBe(401);
  });

  it('holds at most KINTO_MAX_SESSIONS sessions', async () => {
    clock.advance(3600_000 + 1);
    for (let i = 0; i < 3; i++) await kinto.token();
    const full = await postJson(`${kinto.api}/token`, defaultClient);
    expect(full.status).toBe(503);
    expect(full.body.error.code).toBe('unavailable');
    clock.advance(3600_000 + 1);
    expect((await postJson(`${kinto.api}/token`, defaultClient)).status).toBe(200);
  });
});
