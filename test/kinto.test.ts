import { randomBytes, createHash } from 'node:crypto';
import { request as httpRequest } from 'node:http';
import { connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, postJson } from './support/gateway';
import { bearer, defaultClient, rawRequest, startKinto } from './support/kinto-fixture';
import {
  downUpstreamUrl,
  startEchoUpstream,
  startMirrorUpstream,
  startStallingUpstream,
  startWriterUpstream,
  type Echoed,
  type Upstream,
} from './support/kinto-upstreams';

const notesFields = Array.from({ length: 50 }, (_, i) => `notes-f${i}`);

let echo: Upstream;
let writer: Upstream;
let stall: Upstream;
let mirror: Upstream;
let kinto: Awaited<ReturnType<typeof startKinto>>;

beforeAll(async () => {
  [echo, writer, stall, mirror] = await Promise.all([
    startEchoUpstream(),
    startWriterUpstream(),
    startStallingUpstream(),
    startMirrorUpstream(),
  ]);
  kinto = await startKinto(
    [
      { name: 'auth', upstream: writer.url, writes: ['auth-userId', 'auth-username'] },
      {
        name: 'articles',
        upstream: echo.url,
        reads: { 'auth-userId': 'required', 'auth-username': 'optional' },
      },
      {
        name: 'notes',
        upstream: writer.url,
        writes: notesFields,
        reads: { 'notes-f0': 'optional' },
      },
      { name: 'profile', upstream: echo.url, reads: { 'auth-username': 'optional' } },
      { name: 'based', upstream: `${echo.url}/base/`, reads: { 'auth-userId': 'optional' } },
      { name: 'hooks', upstream: echo.url, public: true, reads: { 'auth-userId': 'optional' } },
      { name: 'pubwriter', upstream: writer.url, public: true, writes: ['pubwriter-x'] },
      { name: 'big', upstream: writer.url, writes: ['big-blob'] },
      { name: 'slow', upstream: stall.url, timeoutMs: 200 },
      { name: 'mirror', upstream: mirror.url },
      { name: 'down', upstream: await downUpstreamUrl() },
    ],
    { env: { LOG_LEVEL: 'debug' } },
  );
});

afterAll(async () => {
  await kinto?.close();
  await Promise.all([echo, writer, stall, mirror].map((u) => u?.close()));
});

const get = (path: string, token?: string, headers: Record<string, string> = {}) =>
  call(`${kinto.api}${path}`, { headers: { ...(token ? bearer(token) : {}), ...headers } });

/** Makes `auth` write `fields` into the session of `token` through the proxy. */
const login = (token: string, fields: Record<string, string>) =>
  get(
    `/services/auth/login?${Object.entries(fields)
      .map(([k, v]) => `h=${encodeURIComponent(`${k}=${v}`)}`)
      .join('&')}`,
    token,
  );

describe('POST /api/kinto/token', () => {
  it('issues a 256-bit base64url session token, never cached', async () => {
    const answer = await postJson(`${kinto.api}/token`, defaultClient);
    expect(answer.status).toBe(200);
    kinto.issued.push(answer.body.token);
    expect(answer.body.token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(Buffer.from(answer.body.token, 'base64url')).toHaveLength(32);
    expect(answer.body).toMatchObject({ tokenType: 'Bearer', expiresIn: 14 * 24 * 3600 });
    expect(Date.parse(answer.body.expiresAt)).toBeGreaterThan(Date.now());
    expect(answer.headers.get('cache-control')).toBe('no-store');
  });

  it('answers a wrong id and a wrong secret with the same 401', async () => {
    const wrongSecret = await postJson(`${kinto.api}/token`, {
      ...defaultClient,
      clientSecret: 'nope',
    });
    const wrongId = await postJson(`${kinto.api}/token`, { ...defaultClient, clientId: 'nobody' });
    for (const answer of [wrongSecret, wrongId]) {
      expect(answer.status).toBe(401);
      expect(answer.headers.get('www-authenticate')).toContain('Bearer');
    }
    expect(wrongId.body.error).toEqual(wrongSecret.body.error);
    expect(wrongId.body.error).toEqual({
      code: 'unauthorized',
      message: 'invalid client id or secret',
    });
  });

  it('rejects missing fields with 400', async () => {
    const answer = await postJson(`${kinto.api}/token`, { clientId: 'web-app' });
    expect(answer.status).toBe(400);
    expect(answer.body.error.field).toBe('clientSecret');
  });
});

describe('/api/kinto/session', () => {
  it('shows the client id, times and data, and DELETE ends it', async () => {
    const token = await kinto.token();
    const shown = await get('/session', token);
    expect(shown.status).toBe(200);
    expect(shown.headers.get('cache-control')).toBe('no-store');
    expect(shown.body).toMatchObject({ clientId: 'web-app', data: {} });
    expect(Date.parse(shown.body.expiresAt) - Date.parse(shown.body.lastUsedAt)).toBe(
      14 * 24 * 3600 * 1000,
    );
    const ended = await call(`${kinto.api}/session`, { method: 'DELETE', headers: bearer(token) });
    expect(ended.status).toBe(204);
    expect((await get('/session', token)).status).toBe(401);
    expect((await get('/services/profile/x', token)).status).toBe(401);
    const again = await call(`${kinto.api}/session`, { method: 'DELETE', headers: bearer(token) });
    expect(again.status).toBe(401);
  });

  it('refuses a missing, malformed or unknown token', async () => {
    expect((await get('/session')).status).toBe(401);
    expect((await get('/session', undefined, { 'Kinto-Authorization': 'Basic abc' })).status).toBe(
      401,
    );
    const unknown = await get('/session', randomBytes(32).toString('base64url'));
    expect(unknown.status).toBe(401);
    expect(unknown.body.error.code).toBe('unauthorized');
    expect(unknown.headers.get('www-authenticate')).toContain('Kinto-Authorization');
  });
});

describe('ANY /api/kinto/services/:service/*', () => {
  it('needs a live session before anything else, and knows its services', async () => {
    const before = echo.calls;
    expect((await get('/services/articles/a')).status).toBe(401);
    expect((await get('/services/nope/a')).status).toBe(401);
    const token = await kinto.token();
    const unknown = await get('/services/nope/a', token);
    expect(unknown.status).toBe(404);
    expect(unknown.body.error.code).toBe('not_found');
    expect(echo.calls).toBe(before);
  });

  it('never calls the upstream when a required session field is absent', async () => {
    const token = await kinto.token();
    const before = echo.calls;
    const answer = await get('/services/articles/list', token, { 'auth-userId': '1' });
    expect(answer.status).toBe(401);
    expect(answer.body.error).toMatchObject({ code: 'unauthorized' });
    expect(answer.body.error.message).toContain('auth-userId');
    expect(echo.calls).toBe(before);
  });

  it('takes declared writes into the session, hides them, and lets service B read what A wrote', async () => {
    const token = await kinto.token();
    const login1 = await login(token, {
      'auth-userId': '42',
      'auth-username': 'ada',
      'auth-other': 'kept',
      'articles-x': 'also kept',
    });
    expect(login1.status).toBe(200);
    expect(login1.text).toBe('written');
    expect(login1.headers.get('auth-userid')).toBeNull();
    expect(login1.headers.get('auth-username')).toBeNull();
    expect(login1.headers.get('auth-other')).toBe('kept');
    expect(login1.headers.get('articles-x')).toBe('also kept');
    // Nothing is added either: the service sent no content-type.
    expect(login1.headers.get('content-type')).toBeNull();
    const session = await get('/session', token);
    expect(session.body.data).toEqual({ 'auth-userId': '42', 'auth-username': 'ada' });

    const before = echo.calls;
    const read = await get('/services/articles/list', token);
    expect(read.status).toBe(200);
    expect(echo.calls).toBe(before + 1);
    const seen = read.body as Echoed;
    expect(seen.headers['auth-userid']).toBe('42');
    expect(seen.headers['auth-username']).toBe('ada');
    expect(seen.url).toBe('/list');
  });

  it('strips forged session headers and never forwards the session token', async () => {
    const token = await kinto.token();
    await login(token, { 'auth-userId': '7' });
    const answer = await get('/services/articles/x', token, {
      'auth-userId': '1',
      'AUTH-USERNAME': 'root',
      // What CGI-style servers (PHP, WSGI) would read as auth-userId.
      auth_userId: '2',
      'notes-f3': 'forged',
      'x-custom': 'fine',
      authorization: 'Bearer service-own',
    });
    const seen = answer.body as Echoed;
    expect(seen.headers['auth-userid']).toBe('7');
    expect(seen.headers['auth-username']).toBeUndefined();
    expect(seen.headers.auth_userid).toBeUndefined();
    expect(seen.headers['notes-f3']).toBeUndefined();
    expect(seen.headers['kinto-authorization']).toBeUndefined();
    expect(JSON.stringify(seen)).not.toContain(token);
    expect(seen.headers['x-custom']).toBe('fine');
    expect(seen.headers.authorization).toBe('Bearer service-own');
    expect(seen.headers['x-request-id']).toBe(answer.headers.get('x-request-id'));

    const fresh = await kinto.token();
    const forged = await get('/services/profile/x', fresh, { 'auth-username': 'root' });
    expect((forged.body as Echoed).headers['auth-username']).toBeUndefined();
  });

  it('keeps all of 50 concurrent writes to different fields of one session', async () => {
    const token = await kinto.token();
    const answers = await Promise.all(
      notesFields.map((field, i) => get(`/services/notes/w?h=${field}%3Dv${i}`, token)),
    );
    expect(answers.map((a) => a.status)).toEqual(notesFields.map(() => 200));
    const { data } = (await get('/session', token)).body;
    expect(data).toEqual(Object.fromEntries(notesFields.map((field, i) => [field, `v${i}`])));
  });

  it('removes a field written with an empty value', async () => {
    const token = await kinto.token();
    await login(token, { 'auth-userId': '9', 'auth-username': 'bob' });
    await get('/services/auth/logout?h=auth-username%3D', token);
    expect((await get('/session', token)).body.data).toEqual({ 'auth-userId': '9' });
  });

  it('refuses session data over 8 KiB and keeps the session as it was', async () => {
    const token = await kinto.token();
    const answer = await get(`/services/big/w?h=big-blob%3D${'x'.repeat(9000)}`, token);
    expect(answer.status).toBe(502);
    expect(answer.body.error.code).toBe('upstream_error');
    expect((await get('/session', token)).body.data).toEqual({});
    const fits = await get(`/services/big/w?h=big-blob%3D${'x'.repeat(8000)}`, token);
    expect(fits.status).toBe(200);
  });

  it('passes method, path, query and a streamed body through byte for byte', async () => {
    const token = await kinto.token();
    const body = randomBytes(300 * 1024);
    const sha = createHash('sha256').update(body).digest('hex');
    const rest = "/some/%20path;x/%E2%9C%93?b=2&a=1&a=%27&c=%zz&empty=&flag&sp=a+b&q='x'";
    for (const chunked of [false, true]) {
      const answer = await rawRequest(kinto.url, {
        method: 'PUT',
        path: `/api/kinto/services/profile${rest}`,
        headers: { ...bearer(token), 'content-type': 'application/octet-stream' },
        body,
        chunked,
      });
      expect(answer.status).toBe(200);
      const seen = JSON.parse(answer.text) as Echoed;
      expect(seen).toMatchObject({
        method: 'PUT',
        url: rest,
        bodyLength: body.length,
        bodySha256: sha,
      });
      expect(seen.headers['content-type']).toBe('application/octet-stream');
    }
    const based = await rawRequest(kinto.url, {
      path: '/api/kinto/services/based/x/?q=1',
      headers: bearer(token),
    });
    expect(JSON.parse(based.text).url).toBe('/base/x/?q=1');
    const root = await rawRequest(kinto.url, {
      path: '/api/kinto/services/based',
      headers: bearer(token),
    });
    expect(JSON.parse(root.text).url).toBe('/base/');
  });

  it('streams both ways: the first bytes come back before the client sends the rest', async () => {
    const token = await kinto.token();
    const first = randomBytes(64 * 1024);
    const second = randomBytes(64 * 1024);
    const { hostname, port } = new URL(kinto.url);
    // A gateway that buffered either body would never send back `first`, and this would hang.
    const received = await new Promise<Buffer>((resolve, reject) => {
      const req = httpRequest(
        {
          host: hostname,
          port,
          method: 'POST',
          path: '/api/kinto/services/mirror/x',
          headers: { ...bearer(token), 'content-type': 'application/octet-stream' },
        },
        (res) => {
          const chunks: Buffer[] = [];
          let length = 0;
          res.on('data', (chunk: Buffer) => {
            chunks.push(chunk);
            length += chunk.length;
            if (length === first.length) req.end(second);
          });
          res.on('end', () => resolve(Buffer.concat(chunks)));
          res.on('error', reject);
        },
      );
      req.on('error', reject);
      req.write(first);
    });
    expect(received.equals(Buffer.concat([first, second]))).toBe(true);
  }, 10_000);

  it('reads the path from an absolute-form request target', async () => {
    const token = await kinto.token();
    const answer = await rawRequest(kinto.url, {
      path: `${kinto.url}/api/kinto/services/profile/x/y?q=1`,
      headers: bearer(token),
    });
    expect(answer.status).toBe(200);
    expect(JSON.parse(answer.text).url).toBe('/x/y?q=1');
  });

  it('refuses dot segments that could leave the base path', async () => {
    const token = await kinto.token();
    for (const path of ['/a/../../admin', '/a/%2e%2E/admin', '/./x']) {
      const answer = await rawRequest(kinto.url, {
        path: `/api/kinto/services/based${path}`,
        headers: bearer(token),
      });
      expect(answer.status).toBe(400);
    }
  });

  it('answers 413 past KINTO_MAX_BODY, declared or streamed', async () => {
    const token = await kinto.token();
    const body = Buffer.alloc(1024 * 1024 + 1, 1);
    const before = echo.calls;
    const declared = await rawRequest(kinto.url, {
      method: 'POST',
      path: '/api/kinto/services/profile/upload',
      headers: bearer(token),
      body,
    });
    expect(declared.status).toBe(413);
    expect(echo.calls).toBe(before);
    const streamed = await rawRequest(kinto.url, {
      method: 'POST',
      path: '/api/kinto/services/profile/upload',
      headers: bearer(token),
      body,
      chunked: true,
    });
    expect(streamed.status).toBe(413);
    expect(JSON.parse(streamed.text).error.code).toBe('payload_too_large');
  });

  it('shrugs off a client that aborts its upload midway', async () => {
    const token = await kinto.token();
    const { hostname, port } = new URL(kinto.url);
    const before = echo.calls;
    const socket = connect(Number(port), hostname);
    socket.on('error', () => undefined);
    socket.write(
      `POST /api/kinto/services/profile/upload HTTP/1.1\r\nHost: x\r\n` +
        `Kinto-Authorization: Bearer ${token}\r\nContent-Length: 100000\r\n\r\n${'a'.repeat(1000)}`,
    );
    while (echo.calls === before) await new Promise((resolve) => setTimeout(resolve, 10));
    socket.destroy();
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect((await get('/services/profile/x', token)).status).toBe(200);
    // Counted as the client's doing, not warned about as an upstream failure.
    const closed = kinto.logs.filter((line) => line.includes('code=client_closed'));
    expect(closed).toHaveLength(1);
    expect(closed[0]).toContain('DEBUG');
  });

  it('answers 504 when the upstream stalls and 502 when it refuses', async () => {
    const token = await kinto.token();
    const slow = await get('/services/slow/x', token);
    expect(slow.status).toBe(504);
    expect(slow.body.error.code).toBe('upstream_timeout');
    expect(stall.calls).toBeGreaterThan(0);
    const down = await get('/services/down/x', token);
    expect(down.status).toBe(502);
    expect(down.body.error.code).toBe('upstream_error');
  });
});

describe('ANY /api/kinto/public/:clientId/:service/*', () => {
  it('reaches public services with a registered client id and no session data', async () => {
    const token = await kinto.token();
    await login(token, { 'auth-userId': '5' });
    const answer = await get('/public/web-app/hooks/event?x=1', token, { 'auth-userId': '1' });
    expect(answer.status).toBe(200);
    const seen = answer.body as Echoed;
    expect(seen.url).toBe('/event?x=1');
    expect(seen.headers['auth-userid']).toBeUndefined();
    expect(seen.headers['kinto-authorization']).toBeUndefined();
  });

  it('sends no session field back either, and writes no session', async () => {
    const answer = await get(
      '/public/web-app/pubwriter/x?h=pubwriter-x%3D1&h=auth-userId%3D2&h=pubwriter-y%3D3',
    );
    expect(answer.status).toBe(200);
    expect(answer.headers.get('pubwriter-x')).toBeNull();
    expect(answer.headers.get('auth-userid')).toBeNull();
    expect(answer.headers.get('pubwriter-y')).toBe('3');
  });

  it('refuses unknown client ids and services that are not public', async () => {
    const before = echo.calls;
    expect((await get('/public/nobody/hooks/x')).status).toBe(404);
    expect((await get('/public/web-app/articles/x')).status).toBe(404);
    expect((await get('/public/web-app/nope/x')).status).toBe(404);
    expect(echo.calls).toBe(before);
  });
});

describe('HEAD and metrics', () => {
  it('proxies HEAD without a body and counts proxied calls', async () => {
    const token = await kinto.token();
    const head = await call(`${kinto.api}/services/profile/x`, {
      method: 'HEAD',
      headers: bearer(token),
    });
    expect(head.status).toBe(200);
    expect(head.text).toBe('');
    const metrics = await call(`${kinto.url}/metrics`);
    expect(metrics.text).toMatch(
      /tokengate_kinto_proxy_total\{service="profile",outcome="200"\} \d+/,
    );
    expect(metrics.text).toMatch(/tokengate_kinto_tokens_total\{outcome="rejected"\} 2/);
  });
});

describe('logs', () => {
  it('never carry client secrets or session tokens', () => {
    const logs = kinto.logs.join('\n');
    expect(kinto.logs.length).toBeGreaterThan(10);
    expect(logs).not.toContain(defaultClient.clientSecret);
    expect(kinto.issued.length).toBeGreaterThan(5);
    for (const token of kinto.issued) expect(logs).not.toContain(token);
  });
});
