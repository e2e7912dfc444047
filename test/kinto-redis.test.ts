import { afterAll, beforeAll, expect, it } from 'vitest';
import { call } from './support/gateway';
import { bearer, startKinto } from './support/kinto-fixture';
import { describeWithRedis, redisUrl, uniquePrefix } from './support/redis';
import { startEchoUpstream, startWriterUpstream, type Upstream } from './support/kinto-upstreams';

const fields = Array.from({ length: 30 }, (_, i) => `notes-f${i}`);

describeWithRedis('kinto sessions in Redis', async () => {
  let echo: Upstream;
  let writer: Upstream;
  let a: Awaited<ReturnType<typeof startKinto>>;
  let b: Awaited<ReturnType<typeof startKinto>>;

  beforeAll(async () => {
    [echo, writer] = await Promise.all([startEchoUpstream(), startWriterUpstream()]);
    const services = [
      { name: 'notes', upstream: writer.url, writes: fields },
      { name: 'reader', upstream: echo.url, reads: { 'notes-f0': 'required' } },
    ];
    const env = { REDIS_URL: redisUrl, REDIS_KEY_PREFIX: uniquePrefix('kinto') };
    [a, b] = await Promise.all([startKinto(services, { env }), startKinto(services, { env })]);
  });

  afterAll(async () => {
    await Promise.all([a?.close(), b?.close(), echo?.close(), writer?.close()]);
  });

  it('shares sessions between instances and loses no concurrent write across them', async () => {
    const token = await a.token();
    const shown = await call(`${b.api}/session`, { headers: bearer(token) });
    expect(shown.status).toBe(200);
    expect(shown.body.clientId).toBe('web-app');

    const answers = await Promise.all(
      fields.map((field, i) =>
        call(`${(i % 2 ? a : b).api}/services/notes/w?h=${field}%3Dv${i}`, {
          headers: bearer(token),
        }),
      ),
    );
    expect(answers.map((x) => x.status)).toEqual(fields.map(() => 200));
    const expected = Object.fromEntries(fields.map((field, i) => [field, `v${i}`]));
    for (const gateway of [a, b]) {
      expect((await call(`${gateway.api}/session`, { headers: bearer(token) })).body.data).toEqual(
        expected,
      );
    }
    const read = await call(`${a.api}/services/reader/x`, { headers: bearer(token) });
    expect(read.body.headers['notes-f0']).toBe('v0');

    expect(
      (await call(`${b.api}/session`, { method: 'DELETE', headers: bearer(token) })).status,
    ).toBe(204);
    expect((await call(`${a.api}/session`, { headers: bearer(token) })).status).toBe(401);
  });
});
