import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  at,
  decode,
  publisherPrivileges,
  startAgora,
  subscriberPrivileges,
} from './support/agora-fixtures';
import { call, postJson, type TestGateway } from './support/gateway';

let gw: TestGateway;
beforeAll(async () => {
  gw = await startAgora({ AGORA_DEFAULT_EXPIRY: '900' });
});
afterAll(async () => {
  await gw.close();
});

const get = (query: string) => call(`${gw.url}/api/agora/${query}`);
const post = (path: string, body: unknown) => postJson(`${gw.url}/api/agora/${path}`, body);

describe('co-host authentication: per-privilege expiries', () => {
  it('mints each publish privilege with its own expiry, for a uid', async () => {
    const { status, body } = await get(
      'rtc?channel=stage&uid=7&expiry=600&joinExpiry=500&audioExpiry=60&videoExpiry=120&dataExpiry=30',
    );
    expect(status).toBe(200);
    expect(body).toMatchObject({ type: 'rtc', uid: 7, role: 'publisher', expiresIn: 600 });
    expect(body.privileges).toEqual({
      joinChannel: at(500),
      publishAudioStream: at(60),
      publishVideoStream: at(120),
      publishDataStream: at(30),
    });
    expect(decode(body.token)).toMatchObject({
      expire: 600,
      verified: true,
      services: [
        { type: 1, channel: 'stage', uid: '7', privileges: { 1: 500, 2: 60, 3: 120, 4: 30 } },
      ],
    });
  });

  it('defaults the unnamed privileges to the token expiry, for an account', async () => {
    const { body } = await post('rtc', { channel: 'stage', account: 'bob', audioExpiry: 45 });
    expect(body.privileges).toEqual({
      joinChannel: at(900),
      publishAudioStream: at(45),
      publishVideoStream: at(900),
      publishDataStream: at(900),
    });
    expect(decode(body.token).services[0]).toEqual({
      type: 1,
      channel: 'stage',
      uid: 'bob',
      privileges: { 1: 900, 2: 45, 3: 900, 4: 900 },
    });
  });

  it('gives a subscriber only the join privilege, with its expiry', async () => {
    const { body } = await get('rtc?channel=stage&uid=8&role=subscriber&joinExpiry=30');
    expect(body.privileges).toEqual({ joinChannel: at(30) });
    expect(decode(body.token).services[0]!.privileges).toEqual(subscriberPrivileges(30));
  });

  it.each([
    ['rtc?channel=c&uid=1&role=subscriber&audioExpiry=60', 'audioExpiry', 'role=publisher'],
    ['rtc?channel=c&uid=1&role=audience&dataExpiry=60', 'dataExpiry', 'role=publisher'],
    ['rtc?channel=c&uid=1&expiry=60&joinExpiry=61', 'joinExpiry', 'at most expiry (60)'],
    ['rtc?channel=c&uid=1&videoExpiry=901', 'videoExpiry', 'at most expiry (900)'],
    ['rtc?channel=c&uid=1&joinExpiry=0', 'joinExpiry', 'from 1 to 86400'],
    ['rtc?channel=c&uid=1&audioExpiry=soon', 'audioExpiry', 'whole number'],
    ['rte?channel=c&uid=1&expiry=60&rtmExpiry=61', 'rtmExpiry', 'at most expiry (60)'],
  ])('GET %s → 400 on %s', async (query, field, message) => {
    const { status, body } = await get(query);
    expect(status).toBe(400);
    expect(body.error).toMatchObject({ code: 'invalid_request', field });
    expect(body.error.message).toContain(message);
  });
});

describe('RTE tokens with a separate RTM 2 user', () => {
  it('logs rtmUid in to RTM, with its own login expiry', async () => {
    const { status, body } = await get(
      'rte?channel=stage&uid=42&rtmUid=alice&expiry=600&rtmExpiry=300&audioExpiry=100',
    );
    expect(status).toBe(200);
    expect(body).toMatchObject({ type: 'rte', uid: 42, rtmUid: 'alice', expiresIn: 600 });
    expect(body.privileges).toEqual({
      joinChannel: at(600),
      publishAudioStream: at(100),
      publishVideoStream: at(600),
      publishDataStream: at(600),
      rtmLogin: at(300),
    });
    expect(decode(body.token)).toMatchObject({
      expire: 600,
      verified: true,
      services: [
        { type: 1, channel: 'stage', uid: '42', privileges: { 1: 600, 2: 100, 3: 600, 4: 600 } },
        { type: 2, user: 'alice', privileges: { 1: 300 } },
      ],
    });
  });

  it('accepts the RTC wildcard uid 0 when the RTM user is named', async () => {
    const { status, body } = await post('rte', {
      channel: 'stage',
      uid: 0,
      role: 'subscriber',
      rtmUid: 'viewer-1',
    });
    expect(status).toBe(200);
    expect(body.privileges).toBeUndefined();
    expect(decode(body.token).services).toEqual([
      { type: 1, channel: 'stage', uid: '', privileges: subscriberPrivileges(900) },
      { type: 2, user: 'viewer-1', privileges: { 1: 900 } },
    ]);
  });

  it('validates rtmUid as an RTM user id', async () => {
    const { status, body } = await get(`rte?channel=c&uid=1&rtmUid=${'u'.repeat(65)}`);
    expect(status).toBe(400);
    expect(body.error.field).toBe('rtmUid');
  });
});

describe('Conversational AI agent tokens', () => {
  it('carry RTC (publisher), RTM and ConvoAI for the agent, and the REST header value', async () => {
    const { status, body, headers } = await get('convoai?channel=support&uid=1001&expiry=600');
    expect(status).toBe(200);
    expect(headers.get('cache-control')).toBe('no-store');
    expect(body).toEqual({
      token: expect.stringMatching(/^007/),
      type: 'convoai',
      channel: 'support',
      uid: 1001,
      rtmUid: '1001',
      expiresIn: 600,
      expiresAt: at(600),
      authorization: `agora token=${body.token}`,
    });
    expect(decode(body.token)).toMatchObject({
      expire: 600,
      verified: true,
      services: [
        { type: 1, channel: 'support', uid: '1001', privileges: publisherPrivileges(600) },
        { type: 2, user: '1001', privileges: { 1: 600 } },
        { type: 9, privileges: {} },
      ],
    });
  });

  it('accept an agent account and a separate RTM user id, also as type=convoai', async () => {
    for (const answer of [
      await post('convoai', { channel: 'support', account: 'agent-a', rtmUid: 'agent-rtm' }),
      await post('token', {
        type: 'convoai',
        channel: 'support',
        account: 'agent-a',
        rtmUid: 'agent-rtm',
      }),
    ]) {
      expect(answer.status).toBe(200);
      expect(answer.body).toMatchObject({ account: 'agent-a', rtmUid: 'agent-rtm' });
      expect(decode(answer.body.token).services.map((s) => [s.type, s.uid ?? s.user])).toEqual([
        [1, 'agent-a'],
        [2, 'agent-rtm'],
        [9, undefined],
      ]);
    }
  });

  it.each([
    ['convoai?uid=1', 'channel'],
    ['convoai?channel=c', 'uid'],
    ['convoai?channel=c&uid=1&account=a', 'uid'],
    ['convoai?channel=c&uid=0', 'uid'],
    ['convoai?channel=c&uid=1&rtmUid=a%2Fb', 'rtmUid'],
    ['convoai?channel=c&uid=1&expiry=86401', 'expiry'],
  ])('GET %s → 400 on %s', async (query, field) => {
    const { status, body } = await get(query);
    expect(status).toBe(400);
    expect(body.error).toMatchObject({ code: 'invalid_request', field });
  });
});
