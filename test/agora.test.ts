import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createGateway } from '../src/app';
import { agoraProvider } from '../providers/agora';
import { startAgoraDemo } from '../providers/agora/demo';
import {
  adminKey,
  agoraEnv,
  appCertificate,
  appId,
  at,
  decode,
  publisherPrivileges,
  startAgora,
  subscriberPrivileges,
} from './support/agora-fixtures';
import { call, postJson, startGateway, type TestGateway } from './support/gateway';

let gw: TestGateway;
const responses: string[] = [];

async function get(path: string, headers: Record<string, string> = {}) {
  const answer = await call(`${gw.url}${path}`, { headers });
  responses.push(answer.text, JSON.stringify([...answer.headers]));
  return answer;
}

async function post(path: string, body: unknown, headers: Record<string, string> = {}) {
  const answer = await postJson(`${gw.url}${path}`, body, headers);
  responses.push(answer.text, JSON.stringify([...answer.headers]));
  return answer;
}

beforeAll(async () => {
  gw = await startAgora({ AGORA_DEFAULT_EXPIRY: '1800', LOG_LEVEL: 'debug' });
});
afterAll(async () => {
  await gw.close();
});

describe('agora RTC tokens', () => {
  it('mints a publisher token for a uid, signed with the certificate', async () => {
    const { status, body, headers } = await get(
      '/api/agora/rtc?channel=room%201&uid=42&role=publisher&expiry=600',
    );
    expect(status).toBe(200);
    expect(body).toEqual({
      token: expect.stringMatching(/^007/),
      type: 'rtc',
      channel: 'room 1',
      uid: 42,
      role: 'publisher',
      expiresIn: 600,
      expiresAt: at(600),
    });
    expect(headers.get('cache-control')).toBe('no-store');
    expect(headers.get('pragma')).toBe('no-cache');
    expect(headers.get('x-request-id')).toBeTruthy();
    const token = decode(body.token);
    expect(token).toMatchObject({ appId, expire: 600, verified: true });
    expect(token.services).toEqual([
      { type: 1, channel: 'room 1', uid: '42', privileges: publisherPrivileges(600) },
    ]);
    expect(decode(body.token, 'ffffffffffffffffffffffffffffffff').verified).toBe(false);
  });

  it('gives subscribers (and audience) only the join privilege', async () => {
    for (const role of ['subscriber', 'audience']) {
      const { status, body } = await get(`/api/agora/rtc?channel=c&uid=7&role=${role}&expiry=60`);
      expect(status).toBe(200);
      expect(body.role).toBe('subscriber');
      expect(decode(body.token).services[0]!.privileges).toEqual(subscriberPrivileges(60));
    }
  });

  it('mints account tokens and the uid 0 wildcard; role defaults to publisher', async () => {
    const byAccount = await post('/api/agora/rtc', { channel: 'c', account: 'ålice' });
    expect(byAccount.status).toBe(200);
    expect(byAccount.body).toMatchObject({ account: 'ålice', role: 'publisher' });
    expect(byAccount.body.uid).toBeUndefined();
    expect(decode(byAccount.body.token).services[0]).toMatchObject({
      uid: 'ålice',
      privileges: publisherPrivileges(1800),
    });
    const wildcard = await post('/api/agora/rtc', { channel: 'c', uid: 0, role: 'subscriber' });
    expect(wildcard.body.uid).toBe(0);
    expect(decode(wildcard.body.token).services[0]!.uid).toBe('');
  });

  it('uses AGORA_DEFAULT_EXPIRY, and 3600 without it', async () => {
    const { body } = await get('/api/agora/rtc?channel=c&uid=1');
    expect(body).toMatchObject({ expiresIn: 1800, expiresAt: at(1800) });
    expect(decode(body.token).expire).toBe(1800);
    const plain = await startAgora();
    try {
      const answer = await call(`${plain.url}/api/agora/rtc?channel=c&uid=1`);
      expect(answer.body.expiresIn).toBe(3600);
      expect(decode(answer.body.token).services[0]!.privileges).toEqual(publisherPrivileges(3600));
    } finally {
      await plain.close();
    }
  });
});

describe('agora request validation', () => {
  const rtcCases: Array<[string, string]> = [
    ['uid=1', 'channel'],
    ['channel=&uid=1', 'channel'],
    [`channel=${'a'.repeat(65)}&uid=1`, 'channel'],
    ['channel=a%2Fb&uid=1', 'channel'],
    ['channel=%C3%A9&uid=1', 'channel'],
    ['channel=c&uid=-1', 'uid'],
    ['channel=c&uid=1.5', 'uid'],
    ['channel=c&uid=abc', 'uid'],
    ['channel=c&uid=4294967296', 'uid'],
    ['channel=c&uid=1&uid=2', 'uid'],
    ['channel=c', 'uid'],
    ['channel=c&uid=1&account=bob', 'uid'],
    [`channel=c&account=${'é'.repeat(128)}`, 'account'],
    ['channel=c&account=a%00b', 'account'],
    ['channel=c&uid=1&role=host', 'role'],
    ['channel=c&uid=1&expiry=0', 'expiry'],
    ['channel=c&uid=1&expiry=86401', 'expiry'],
    ['channel=c&uid=1&expiry=1.5', 'expiry'],
    ['channel=c&uid=1&expiry=soon', 'expiry'],
  ];

  it.each(rtcCases)('GET /rtc?%s → 400 on %s', async (query, field) => {
    const { status, body } = await get(`/api/agora/rtc?${query}`);
    expect(status).toBe(400);
    expect(body.error).toMatchObject({ code: 'invalid_request', field });
    expect(body.error.message).toContain(field);
    expect(body.requestId).toBeTruthy();
  });

  it('echoes a sane X-Request-Id in the header and the error body', async () => {
    const { status, headers, body } = await get('/api/agora/rtc?channel=c', {
      'x-request-id': 'client-req-123',
    });
    expect(status).toBe(400);
    expect(headers.get('x-request-id')).toBe('client-req-123');
    expect(body.requestId).toBe('client-req-123');
  });

  it('accepts every boundary value and character Agora allows', async () => {
    const channel = 'aZ09 !#$%&()+-:;<=.>?@[]^_{}|~,';
    const ok = [
      { channel, uid: 4294967295, expiry: 86400 },
      { channel: 'x'.repeat(64), uid: '4294967295', expiry: '1' },
      { channel: 'c', account: 'é'.repeat(127) + 'a' },
    ];
    for (const body of ok) {
      const answer = await post('/api/agora/rtc', body);
      expect(answer.status, JSON.stringify(answer.body)).toBe(200);
      expect(decode(answer.body.token).services[0]!.channel).toBe(body.channel);
    }
  });

  it('rejects wrong JSON types with field-specific 400s', async () => {
    const cases: Array<[unknown, string]> = [
      [{ channel: 5, uid: 1 }, 'channel'],
      [{ channel: 'c', uid: true }, 'uid'],
      [{ channel: 'c', uid: 1.5 }, 'uid'],
      [{ channel: 'c', uid: -1 }, 'uid'],
      [{ channel: 'c', account: '' }, 'account'],
      [{ channel: 'c', account: 'a\ud800' }, 'account'],
      [{ channel: 'c', uid: 1, expiry: 86401 }, 'expiry'],
    ];
    for (const [body, field] of cases) {
      const answer = await post('/api/agora/rtc', body);
      expect(answer.status).toBe(400);
      expect(answer.body.error.field).toBe(field);
    }
  });

  it('answers 415 and 400 for non-JSON bodies', async () => {
    const text = await call(`${gw.url}/api/agora/rtc`, { method: 'POST', body: 'channel=c' });
    expect(text.status).toBe(415);
    const broken = await call(`${gw.url}/api/agora/rtc`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"channel":',
    });
    expect(broken.status).toBe(400);
  });
});

describe('agora RTM, RTE and Chat tokens', () => {
  it('mints RTM tokens for a user id', async () => {
    const { status, body } = await get('/api/agora/rtm?uid=alice&expiry=300');
    expect(status).toBe(200);
    expect(body).toEqual({
      token: expect.any(String),
      type: 'rtm',
      uid: 'alice',
      expiresIn: 300,
      expiresAt: at(300),
    });
    expect(decode(body.token)).toMatchObject({
      expire: 300,
      verified: true,
      services: [{ type: 2, user: 'alice', privileges: { 1: 300 } }],
    });
    expect((await get('/api/agora/rtm')).body.error.field).toBe('uid');
    expect((await get(`/api/agora/rtm?uid=${'u'.repeat(65)}`)).status).toBe(400);
  });

  it('mints one RTE token carrying RTC and RTM for the same user', async () => {
    const { status, body } = await post('/api/agora/rte', {
      channel: 'stage',
      uid: 9,
      role: 'audience',
      expiry: 120,
    });
    expect(status).toBe(200);
    expect(body).toMatchObject({ type: 'rte', channel: 'stage', uid: 9, role: 'subscriber' });
    expect(decode(body.token)).toMatchObject({
      expire: 120,
      verified: true,
      services: [
        { type: 1, channel: 'stage', uid: '9', privileges: subscriberPrivileges(120) },
        { type: 2, user: '9', privileges: { 1: 120 } },
      ],
    });
    const publisher = await get('/api/agora/rte?channel=stage&account=bob&expiry=60');
    expect(decode(publisher.body.token).services).toEqual([
      { type: 1, channel: 'stage', uid: 'bob', privileges: publisherPrivileges(60) },
      { type: 2, user: 'bob', privileges: { 1: 60 } },
    ]);
    const wildcard = await get('/api/agora/rte?channel=stage&uid=0');
    expect(wildcard.status).toBe(400);
    expect(wildcard.body.error.field).toBe('uid');
    // A valid RTC account that RTM would refuse as a user id.
    for (const account of ['ålice', 'a/b', 'x'.repeat(65)]) {
      const notRtm = await post('/api/agora/rte', { channel: 'stage', account });
      expect(notRtm.status).toBe(400);
      expect(notRtm.body.error).toMatchObject({ code: 'invalid_request', field: 'account' });
    }
  });

  it('mints Chat user tokens and validates the chat user id', async () => {
    const { status, body } = await get('/api/agora/chat?uid=user_1.a-b@x');
    expect(status).toBe(200);
    expect(body).toMatchObject({ type: 'chat', uid: 'user_1.a-b@x', expiresIn: 1800 });
    expect(decode(body.token).services).toEqual([
      { type: 5, user: 'user_1.a-b@x', privileges: { 1: 1800 } },
    ]);
    for (const uid of ['', 'a b', 'x'.repeat(65)]) {
      const answer = await post('/api/agora/chat', { uid });
      expect(answer.status).toBe(400);
      expect(answer.body.error.field).toBe('uid');
    }
  });

  it('chooses the token by type on /token, rtc by default', async () => {
    const kinds: Array<[string, number[]]> = [
      ['type=rtc&channel=c&uid=1', [1]],
      ['channel=c&uid=1', [1]],
      ['type=rtm&uid=u', [2]],
      ['type=rte&channel=c&uid=1', [1, 2]],
      ['type=chat&uid=u', [5]],
    ];
    for (const [query, types] of kinds) {
      const { status, body } = await get(`/api/agora/token?${query}`);
      expect(status).toBe(200);
      expect(decode(body.token).services.map((s) => s.type)).toEqual(types);
    }
    const chatApp = await post('/api/agora/token', { type: 'chat_app' });
    expect(chatApp.status).toBe(400);
    expect(chatApp.body.error.field).toBe('type');
  });

  it('counts issued tokens by type', async () => {
    const metrics = await call(`${gw.url}/metrics`);
    expect(metrics.text).toMatch(
      /tokengate_tokens_issued_total\{provider="agora",type="rtc"\} \d+/,
    );
    expect(metrics.text).toMatch(
      /tokengate_tokens_issued_total\{provider="agora",type="rte"\} \d+/,
    );
  });
});

describe('agora Chat app tokens', () => {
  it('mint only for the admin key', async () => {
    const { status, body } = await get('/api/agora/chat/app?expiry=900', {
      authorization: `Bearer ${adminKey}`,
    });
    expect(status).toBe(200);
    expect(body).toMatchObject({ type: 'chat_app', expiresIn: 900 });
    expect(decode(body.token).services).toEqual([{ type: 5, user: '', privileges: { 2: 900 } }]);
    const posted = await post('/api/agora/chat/app', {}, { authorization: `bearer ${adminKey}` });
    expect(posted.status).toBe(200);
  });

  it.each([
    ['no header', {}],
    ['a wrong key', { authorization: 'Bearer test-admin-key-0123456789abcdeX' }],
    ['a prefix of the key', { authorization: `Bearer ${adminKey.slice(0, -1)}` }],
    ['the key without Bearer', { authorization: adminKey }],
  ])('answer 401 to %s', async (_name, headers) => {
    const { status, body, headers: answer } = await get('/api/agora/chat/app', headers);
    expect(status).toBe(401);
    expect(body.error.code).toBe('unauthorized');
    expect(answer.get('www-authenticate')).toMatch(/^Bearer/);
    expect(JSON.stringify(body)).not.toContain('"token"');
  });

  it('checks the key before the body', async () => {
    const answer = await call(`${gw.url}/api/agora/chat/app`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{',
    });
    expect(answer.status).toBe(401);
  });

  it('are disabled without AGORA_ADMIN_KEY', async () => {
    const open = await startAgora({ AGORA_ADMIN_KEY: '' });
    try {
      const answer = await call(`${open.url}/api/agora/chat/app`, {
        headers: { authorization: 'Bearer anything-at-all-here' },
      });
      expect(answer.status).toBe(403);
      expect(answer.body.error.code).toBe('forbidden');
    } finally {
      await open.close();
    }
  });
});

describe('agora configuration', () => {
  const boot = (env: Record<string, string>) =>
    createGateway({ env, definitions: [agoraProvider], writeLog: () => {} });

  it('accepts the tutorial aliases APP_ID and APP_CERTIFICATE', async () => {
    const gateway = await boot({ APP_ID: appId, APP_CERTIFICATE: appCertificate });
    expect(gateway.providers.map((p) => p.id)).toEqual(['agora']);
    await gateway.close();
  });

  it('is disabled, naming what is missing, when nothing is set', async () => {
    const logs: string[] = [];
    const gateway = await createGateway({
      env: {},
      definitions: [agoraProvider],
      writeLog: (line) => logs.push(line),
    });
    expect(gateway.providers).toEqual([]);
    expect(logs.join('\n')).toMatch(/AGORA_APP_ID, AGORA_APP_CERTIFICATE/);
    await gateway.close();
  });

  it.each([
    [{ AGORA_APP_ID: 'not-hex' }, 'AGORA_APP_ID'],
    [{ AGORA_APP_ID: `${appId}0` }, 'AGORA_APP_ID'],
    [{ AGORA_APP_CERTIFICATE: 'zzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzz' }, 'AGORA_APP_CERTIFICATE'],
    [{ AGORA_DEFAULT_EXPIRY: '86401' }, 'AGORA_DEFAULT_EXPIRY'],
    [{ AGORA_DEFAULT_EXPIRY: 'soon' }, 'AGORA_DEFAULT_EXPIRY'],
    [{ AGORA_COMPAT_ROUTES: 'yes' }, 'AGORA_COMPAT_ROUTES'],
    [{ AGORA_ADMIN_KEY: 'short-secret' }, 'AGORA_ADMIN_KEY'],
    [{ AGORA_APP_CERTIFICATE_SECONDARY: 'abc' }, 'AGORA_APP_CERTIFICATE_SECONDARY'],
    [
      { AGORA_APP_CERTIFICATE_SECONDARY: appCertificate.toUpperCase() },
      'AGORA_APP_CERTIFICATE_SECONDARY',
    ],
  ])('refuses to boot with %o, naming %s and never its value', async (bad, name) => {
    const env = { ...agoraEnv, ...bad };
    const failure = await boot(env).then(
      () => undefined,
      (error: Error) => error,
    );
    expect(failure?.message).toContain(`agora: ${name}:`);
    for (const value of Object.values(bad)) expect(failure?.message).not.toContain(value);
    expect(failure?.message).not.toContain(appCertificate);
  });

  it('refuses a certificate that is missing when the app id is set', async () => {
    const failure = await boot({ AGORA_APP_ID: appId }).catch((error: Error) => error);
    expect(String(failure)).toContain('AGORA_APP_CERTIFICATE');
  });
});

describe('agora secrets', () => {
  it('never puts the certificate or the admin key in a response or a log line', async () => {
    await get('/api/agora/rtc?channel=c&uid=1&pretty=1');
    await get('/api/agora/chat/app', { authorization: `Bearer ${adminKey}` });
    await get('/api/agora/chat/app', { authorization: `Bearer ${appCertificate}` });
    await post('/api/agora/inspect', { token: 'garbage' });
    expect(responses.length).toBeGreaterThan(50);
    expect(gw.logs.length).toBeGreaterThan(50);
    for (const text of [...responses, ...gw.logs]) {
      expect(text).not.toContain(appCertificate);
      expect(text).not.toContain(adminKey);
    }
  });
});

describe('agora demo', () => {
  it('boots on generated credentials and prints a working curl line per route', async () => {
    // agoraProvider.demo requires ./demo at run time (ts-node); vitest loads it by import.
    const demo = await startAgoraDemo();
    const running = await startGateway({ definitions: [agoraProvider], env: demo.env });
    try {
      expect(demo.env.AGORA_APP_ID).toMatch(/^[0-9a-f]{32}$/);
      expect(demo.env.AGORA_APP_CERTIFICATE).toMatch(/^[0-9a-f]{32}$/);
      const banner = demo.banner(running.url).join('\n');
      expect(banner).toContain('DEMO');
      expect(banner).toContain(demo.env.AGORA_ADMIN_KEY);
      for (const route of [
        '/api/agora/rtc?',
        '/api/agora/rtm?',
        '/api/agora/rte?',
        '/api/agora/chat?',
        '/api/agora/chat/app',
        '/api/agora/token?type=',
        '/api/agora/inspect',
        '/ping',
        '/rtc/',
        '/rtm/',
        '/rte/',
        '/getToken',
      ]) {
        expect(banner).toContain(`${running.url}${route}`);
      }
      const app = await call(`${running.url}/api/agora/chat/app`, {
        headers: { authorization: `Bearer ${demo.env.AGORA_ADMIN_KEY}` },
      });
      expect(app.status).toBe(200);
      expect((await call(`${running.url}/ping`)).body).toEqual({ message: 'pong' });
      const token = /"token":"(007[^"]+)"/.exec(banner)?.[1];
      const inspected = await postJson(`${running.url}/api/agora/inspect`, { token });
      expect(inspected.body.signature).toBe('valid');
      expect((await call(`${running.url}/api/agora/rtc?channel=demo&uid=42`)).status).toBe(200);
    } finally {
      await running.close();
      await demo.close();
    }
  });

  it('with DEMO_AGORA_POLICY=1, shows curls that mint within the sample grant and one refused', async () => {
    const demo = await startAgoraDemo({ DEMO_AGORA_POLICY: '1' });
    const running = await startGateway({ definitions: [agoraProvider], env: demo.env });
    try {
      const banner = demo.banner(running.url).join('\n');
      // Follow the banner: the caller token from the IdP, then the two viewer curls.
      const [, client, secret, resource, tokenUrl] =
        /VIEWER=\$\(curl -s -u '([^:]+):([^']+)' -d grant_type=client_credentials -d resource=(\S+) (\S+) \|/.exec(
          banner,
        ) ?? [];
      const issued = await fetch(tokenUrl!, {
        method: 'POST',
        headers: {
          authorization: `Basic ${Buffer.from(`${client}:${secret}`).toString('base64')}`,
          'content-type': 'application/x-www-form-urlencoded',
        },
        body: new URLSearchParams({ grant_type: 'client_credentials', resource: resource! }),
      });
      const { access_token: caller } = (await issued.json()) as { access_token: string };
      const viewerCurls = [...banner.matchAll(/Bearer \$VIEWER" '([^']+)'/g)].map((m) => m[1]!);
      expect(viewerCurls).toHaveLength(2);
      const [allowed, refused] = await Promise.all(
        viewerCurls.map((url) => call(url, { headers: { authorization: `Bearer ${caller}` } })),
      );
      expect(allowed!.status).toBe(200);
      expect(allowed!.body).toMatchObject({
        channel: 'lobby',
        account: client,
        role: 'subscriber',
      });
      expect(refused!.status).toBe(403);
      expect(refused!.body.error).toMatchObject({ code: 'forbidden', field: 'channel' });
      expect((await call(`${running.url}/api/agora/rtc?channel=lobby`)).status).toBe(401);
    } finally {
      await running.close();
      await demo.close();
    }
  });
});
