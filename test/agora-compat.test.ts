import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  adminKey,
  appCertificate,
  decode,
  publisherPrivileges,
  startAgora,
  subscriberPrivileges,
} from './support/agora-fixtures';
import { call, postJson, type TestGateway } from './support/gateway';

let gw: TestGateway;
beforeAll(async () => {
  gw = await startAgora({ AGORA_COMPAT_ROUTES: 'true' });
});
afterAll(async () => {
  await gw.close();
});

/** Every answer's body and headers, to prove the certificate never leaves. */
const answers: string[] = [];
const seen = <T extends { text: string; headers: Headers }>(answer: T) => {
  answers.push(answer.text, JSON.stringify([...answer.headers]));
  return answer;
};
const get = async (path: string) => seen(await call(`${gw.url}${path}`));

describe('compatibility routes of the reference Node token server', () => {
  it('answers /ping', async () => {
    const { status, body } = await get('/ping');
    expect(status).toBe(200);
    expect(body).toEqual({ message: 'pong' });
  });

  it('answers {rtcToken} on /rtc/:channel/:role/:tokentype/:uid', async () => {
    const { status, body, headers } = await get('/rtc/test/publisher/uid/1?expiry=1000');
    expect(status).toBe(200);
    expect(Object.keys(body)).toEqual(['rtcToken']);
    expect(headers.get('cache-control')).toBe('no-store');
    expect(headers.get('x-request-id')).toBeTruthy();
    expect(decode(body.rtcToken)).toMatchObject({
      expire: 1000,
      verified: true,
      services: [{ type: 1, channel: 'test', uid: '1', privileges: publisherPrivileges(1000) }],
    });
    for (const role of ['audience', 'subscriber']) {
      const account = await get(`/rtc/my%20room/${role}/userAccount/ekaansh`);
      expect(account.status).toBe(200);
      expect(decode(account.body.rtcToken).services[0]).toEqual({
        type: 1,
        channel: 'my room',
        uid: 'ekaansh',
        privileges: subscriberPrivileges(3600),
      });
    }
  });

  it('answers {rtmToken} on /rtm/:uid', async () => {
    const { status, body } = await get('/rtm/ekaansh?expiry=60');
    expect(status).toBe(200);
    expect(Object.keys(body)).toEqual(['rtmToken']);
    expect(decode(body.rtmToken)).toMatchObject({
      expire: 60,
      verified: true,
      services: [{ type: 2, user: 'ekaansh', privileges: { 1: 60 } }],
    });
  });

  it('answers {rtcToken, rtmToken} on /rte/:channel/:role/:tokentype/:uid', async () => {
    const { status, body } = await get('/rte/test/publisher/uid/5');
    expect(status).toBe(200);
    expect(Object.keys(body).sort()).toEqual(['rtcToken', 'rtmToken']);
    expect(decode(body.rtcToken).services).toEqual([
      { type: 1, channel: 'test', uid: '5', privileges: publisherPrivileges(3600) },
    ]);
    expect(decode(body.rtmToken).services).toEqual([
      { type: 2, user: '5', privileges: { 1: 3600 } },
    ]);
  });

  it.each([
    ['/rtc/test/host/uid/1', 'role'],
    ['/rtc/test/publisher/account/1', 'tokentype'],
    ['/rtc/test/publisher/uid/-1', 'uid'],
    ['/rtc/test/publisher/uid/4294967296', 'uid'],
    ['/rtc/test/publisher/uid/abc', 'uid'],
    ['/rtc/a%2Fb/publisher/uid/1', 'channel'],
    [`/rtc/${'c'.repeat(65)}/publisher/uid/1`, 'channel'],
    ['/rtc/test/publisher/uid/1?expiry=86401', 'expiry'],
    ['/rtm/a%2Fb', 'uid'],
    ['/rte/test/publisher/uid/0', 'uid'],
    ['/rte/test/publisher/userAccount/%C3%A5lice', 'uid'],
    ['/rte/test/publisher/uid/1?expiry=0', 'expiry'],
  ])('GET %s → 400 on %s', async (path, field) => {
    const { status, body } = await get(path);
    expect(status).toBe(400);
    expect(body.error).toMatchObject({ code: 'invalid_request', field });
  });
});

describe('GET routes of the Go token service (VideoUIKit tokenUrl)', () => {
  it('take trailing slashes and ?expiry= on /rtc and /rtm', async () => {
    const rtc = await get('/rtc/test/publisher/uid/1/?expiry=900');
    expect(rtc.status).toBe(200);
    expect(Object.keys(rtc.body)).toEqual(['rtcToken']);
    expect(decode(rtc.body.rtcToken)).toMatchObject({
      expire: 900,
      services: [{ channel: 'test', uid: '1', privileges: publisherPrivileges(900) }],
    });
    const rtm = await get('/rtm/alice/?expiry=60');
    expect(decode(rtm.body.rtmToken).services).toEqual([
      { type: 2, user: 'alice', privileges: { 1: 60 } },
    ]);
  });

  it('answer /rte/:channel/:role/:tokentype/:uid/:rtmuid/ with an RTM token for rtmuid', async () => {
    const { status, body } = await get('/rte/test/subscriber/uid/5/bob/?expiry=120');
    expect(status).toBe(200);
    expect(Object.keys(body).sort()).toEqual(['rtcToken', 'rtmToken']);
    expect(decode(body.rtcToken).services).toEqual([
      { type: 1, channel: 'test', uid: '5', privileges: subscriberPrivileges(120) },
    ]);
    expect(decode(body.rtmToken)).toMatchObject({
      verified: true,
      services: [{ type: 2, user: 'bob', privileges: { 1: 120 } }],
    });
    // With an RTM user named, the RTC token may be the uid-0 wildcard.
    const wildcard = await get('/rte/test/publisher/uid/0/bob/');
    expect(decode(wildcard.body.rtcToken).services[0]!.uid).toBe('');
    expect(decode(wildcard.body.rtmToken).services[0]!.user).toBe('bob');
  });

  it('answer {chatToken} on /chat/account/:id/ and, for the admin key, /chat/app/', async () => {
    const user = await get('/chat/account/alice/?expiry=300');
    expect(user.status).toBe(200);
    expect(Object.keys(user.body)).toEqual(['chatToken']);
    expect(user.headers.get('cache-control')).toBe('no-store');
    expect(decode(user.body.chatToken).services).toEqual([
      { type: 5, user: 'alice', privileges: { 1: 300 } },
    ]);
    const anonymous = await get('/chat/app/');
    expect(anonymous.status).toBe(401);
    expect(anonymous.headers.get('www-authenticate')).toMatch(/^Bearer/);
    const app = seen(
      await call(`${gw.url}/chat/app/?expiry=600`, {
        headers: { authorization: `Bearer ${adminKey}` },
      }),
    );
    expect(app.status).toBe(200);
    expect(decode(app.body.chatToken).services).toEqual([
      { type: 5, user: '', privileges: { 2: 600 } },
    ]);
  });

  it.each([
    ['/rte/test/publisher/uid/1/a%2Fb/', 'rtmuid'],
    ['/rte/test/publisher/uid/0/', 'uid'],
    ['/chat/account/a%20b/', 'id'],
    ['/chat/account/alice/?expiry=0', 'expiry'],
    ['/rtc/test/publisher/uid/1/?expiry=soon', 'expiry'],
  ])('GET %s → 400 on %s', async (path, field) => {
    const { status, body } = await get(path);
    expect(status).toBe(400);
    expect(body.error).toMatchObject({ code: 'invalid_request', field });
  });
});

describe('compatibility route of the Go token service', () => {
  const getToken = async (body: unknown, headers: Record<string, string> = {}) =>
    seen(await postJson(`${gw.url}/getToken`, body, headers));

  it('mints rtc tokens by uid or by account', async () => {
    const byUid = await getToken({
      tokenType: 'rtc',
      channel: 'test',
      role: 'subscriber',
      uid: '42',
      expire: 600,
    });
    expect(byUid.status).toBe(200);
    expect(Object.keys(byUid.body)).toEqual(['token']);
    expect(byUid.headers.get('cache-control')).toBe('no-store');
    expect(decode(byUid.body.token)).toMatchObject({
      expire: 600,
      verified: true,
      services: [{ type: 1, channel: 'test', uid: '42', privileges: subscriberPrivileges(600) }],
    });
    const byAccount = await getToken({ tokenType: 'rtc', channel: 'test', uid: 'bob' });
    expect(decode(byAccount.body.token).services[0]).toMatchObject({
      uid: 'bob',
      privileges: publisherPrivileges(3600),
    });
    const numeric = await getToken({ tokenType: 'rtc', channel: 'test', uid: 7 });
    expect(decode(numeric.body.token).services[0]!.uid).toBe('7');
  });

  it('mints rtm and chat user tokens', async () => {
    const rtm = await getToken({ tokenType: 'rtm', uid: 'alice', expire: 120 });
    expect(decode(rtm.body.token).services).toEqual([
      { type: 2, user: 'alice', privileges: { 1: 120 } },
    ]);
    const chat = await getToken({ tokenType: 'chat', uid: 'alice' });
    expect(decode(chat.body.token).services).toEqual([
      { type: 5, user: 'alice', privileges: { 1: 3600 } },
    ]);
  });

  it('mints a chat app token (no uid) only for the admin key', async () => {
    const anonymous = await getToken({ tokenType: 'chat' });
    expect(anonymous.status).toBe(401);
    const admin = await getToken({ tokenType: 'chat' }, { authorization: `Bearer ${adminKey}` });
    expect(admin.status).toBe(200);
    expect(decode(admin.body.token).services).toEqual([
      { type: 5, user: '', privileges: { 2: 3600 } },
    ]);
  });

  it.each([
    [{}, 'tokenType'],
    [{ tokenType: 'fpa' }, 'tokenType'],
    [{ tokenType: 'rtc', uid: '1' }, 'channel'],
    [{ tokenType: 'rtc', channel: 'c' }, 'uid'],
    [{ tokenType: 'rtc', channel: 'c', uid: '4294967296' }, 'uid'],
    [{ tokenType: 'rtc', channel: 'c', uid: '1', role: 'host' }, 'role'],
    [{ tokenType: 'rtc', channel: 'c', uid: '1', expire: 86401 }, 'expire'],
    [{ tokenType: 'rtm' }, 'uid'],
    [{ tokenType: 'chat', uid: 'a b' }, 'uid'],
  ])('POST /getToken %o → 400 on %s', async (body, field) => {
    const { status, body: answer } = await getToken(body);
    expect(status).toBe(400);
    expect(answer.error).toMatchObject({ code: 'invalid_request', field });
  });

  it('leaves GET /getToken to other providers', async () => {
    const { status, body, headers } = await get('/getToken');
    expect(status).toBe(405);
    expect(body.error.code).toBe('method_not_allowed');
    expect(headers.get('allow')).toBe('POST');
  });

  it('never logs or answers the certificate', async () => {
    expect(answers.length).toBeGreaterThan(40);
    for (const text of [...answers, ...gw.logs]) {
      expect(text).not.toContain(appCertificate);
      expect(text).not.toContain(adminKey);
    }
    expect(gw.logs.some((line) => line.includes('route=/rtc/:channel/:role/:tokentype/'))).toBe(
      true,
    );
  });
});

describe('compatibility routes are opt-in', () => {
  it('are not mounted without AGORA_COMPAT_ROUTES=true', async () => {
    const plain = await startAgora();
    try {
      expect((await call(`${plain.url}/ping`)).status).toBe(404);
      expect((await call(`${plain.url}/rtc/test/publisher/uid/1`)).status).toBe(404);
      expect((await call(`${plain.url}/chat/account/alice/`)).status).toBe(404);
      expect((await postJson(`${plain.url}/getToken`, { tokenType: 'rtm', uid: 'a' })).status).toBe(
        404,
      );
    } finally {
      await plain.close();
    }
  });
});
