import { crc32, deflateSync, inflateSync } from 'node:zlib';
import { RtcTokenBuilder } from 'agora-token';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  appCertificate,
  appId,
  build006,
  decode,
  secondaryCertificate,
  startAgora,
} from './support/agora-fixtures';
import { postJson, call, type TestGateway } from './support/gateway';

let gw: TestGateway;
beforeAll(async () => {
  gw = await startAgora();
});
afterAll(async () => {
  await gw.close();
});

const inspect = (token: unknown, use: Record<string, unknown> = {}) =>
  postJson(`${gw.url}/api/agora/inspect`, { token, ...use });
const mint = async (query: string) => (await call(`${gw.url}/api/agora/${query}`)).body.token;

/** Rewrites a token's signed content, keeping its (now wrong) signature. */
function tamper(token: string, edit: (content: Buffer) => Buffer): string {
  const content = inflateSync(Buffer.from(token.slice(3), 'base64'));
  return `007${deflateSync(edit(content)).toString('base64')}`;
}

describe('POST /api/agora/inspect', () => {
  it('decodes an RTE token and verifies its signature', async () => {
    const token = await mint('rte?channel=stage&uid=42&role=publisher&expiry=600');
    const { status, body, headers } = await inspect(token);
    expect(status).toBe(200);
    expect(headers.get('cache-control')).toBe('no-store');
    expect(body).toMatchObject({
      version: '007',
      appId,
      expire: 600,
      salt: expect.any(Number),
      signature: 'valid',
    });
    const issued = Date.parse(body.issuedAt);
    expect(Date.parse(body.expiresAt) - issued).toBe(600_000);
    const expiry = new Date(issued + 600_000).toISOString();
    expect(body.services).toEqual([
      {
        type: 1,
        name: 'rtc',
        channel: 'stage',
        uid: '42',
        privileges: [
          { id: 1, name: 'joinChannel', expire: 600, expiresAt: expiry },
          { id: 2, name: 'publishAudioStream', expire: 600, expiresAt: expiry },
          { id: 3, name: 'publishVideoStream', expire: 600, expiresAt: expiry },
          { id: 4, name: 'publishDataStream', expire: 600, expiresAt: expiry },
        ],
      },
      {
        type: 2,
        name: 'rtm',
        user: '42',
        privileges: [{ id: 1, name: 'login', expire: 600, expiresAt: expiry }],
      },
    ]);
  });

  it('reports expiry against the gateway clock', async () => {
    // The fixture clock stands in 2030, after any token minted now has expired.
    const { body } = await inspect(await mint('chat?uid=alice'));
    expect(body.expired).toBe(true);
    expect(body.services[0]).toMatchObject({ name: 'chat', user: 'alice' });
  });

  it('says invalid for a tampered token', async () => {
    const token = await mint('rtc?channel=stage&uid=42&role=subscriber');
    const forged = tamper(token, (content) =>
      Buffer.from(content.toString('latin1').replace('stage', 'STAGE'), 'latin1'),
    );
    const { status, body } = await inspect(forged);
    expect(status).toBe(200);
    expect(body.signature).toBe('invalid');
    expect(body.services[0].channel).toBe('STAGE');
  });

  it('says invalid for a token signed with another certificate of this app', async () => {
    const other = RtcTokenBuilder.buildTokenWithUid(
      appId,
      'ffffffffffffffffffffffffffffffff',
      'c',
      1,
      1,
      60,
      60,
    );
    expect((await inspect(other)).body.signature).toBe('invalid');
  });

  it('says unknown_app for another app id', async () => {
    const other = RtcTokenBuilder.buildTokenWithUid(
      'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa',
      appCertificate,
      'c',
      1,
      1,
      60,
      60,
    );
    const { status, body } = await inspect(other);
    expect(status).toBe(200);
    expect(body).toMatchObject({
      appId: 'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa',
      signature: 'unknown_app',
    });
  });

  const zipBomb = `007${deflateSync(Buffer.alloc(1024 * 1024)).toString('base64')}`;

  /** 200 bytes that declare 16 000 empty services: agora-token's parser is quadratic in them. */
  const manyServices = (() => {
    const text = (value: Buffer) => Buffer.concat([Buffer.from([value.length, 0]), value]);
    const head = Buffer.concat([
      text(Buffer.alloc(32)),
      text(Buffer.from(appId)),
      Buffer.alloc(12),
    ]);
    const count = Buffer.alloc(2);
    count.writeUInt16LE(16_000);
    const fpa = Buffer.from([4, 0, 0, 0]);
    const content = Buffer.concat([head, count, ...Array<Buffer>(16_000).fill(fpa)]);
    return `007${deflateSync(content, { level: 9 }).toString('base64')}`;
  })();

  it.each([
    ['an empty string', ''],
    ['a number', 7],
    ['garbage', 'hello world'],
    ['a truncated 006 token', '006970ca35de60c44645bbae8a215061b33IAD9qg4N4hd04MvaY6A72m4BjYmO'],
    ['a 005 token', `005${appId}AAAA`],
    ['007 and nothing else', '007'],
    ['007 and bad base64', '007!!!!not-base64!!!!'],
    ['007 and truncated content', `007${deflateSync(Buffer.from([1, 0])).toString('base64')}`],
    ['a decompression bomb', zipBomb],
    ['an overlong token', `007${'A'.repeat(5000)}`],
    ['a small token declaring thousands of services', manyServices],
  ])('answers 400 (never 500) to %s', async (_name, token) => {
    const { status, body } = await inspect(token);
    expect(status).toBe(400);
    expect(body.error).toMatchObject({ code: 'invalid_request', field: 'token' });
  });

  it('answers 400 without a token', async () => {
    const { status, body } = await postJson(`${gw.url}/api/agora/inspect`, {});
    expect(status).toBe(400);
    expect(body.error.message).toBe('token is required');
  });

  it('answers 400 to channel, uid and account that are not valid', async () => {
    const token = await mint('rtc?channel=c&uid=1');
    for (const [use, field] of [
      [{ channel: 'a/b' }, 'channel'],
      [{ uid: -1 }, 'uid'],
      [{ uid: 1, account: 'a' }, 'uid'],
      [{ account: '' }, 'account'],
    ] as const) {
      const { status, body } = await inspect(token, use);
      expect(status).toBe(400);
      expect(body.error.field).toBe(field);
    }
  });

  it('never shows the certificate', async () => {
    for (const line of gw.logs) expect(line).not.toContain(appCertificate);
  });
});

describe('POST /api/agora/inspect with legacy 006 tokens', () => {
  const issued = Math.floor(Date.now() / 1000);

  it('decodes what agora-token decodes, and asks for the channel and uid to check the signature', async () => {
    const { token, parsed } = build006('stage', 42, { 1: issued + 600, 2: issued + 60 });
    const { status, body } = await inspect(token);
    expect(status).toBe(200);
    expect(body).toEqual({
      version: '006',
      appId,
      issuedAt: new Date((parsed.ts - 86_400) * 1000).toISOString(),
      expire: 86_400,
      expiresAt: new Date(parsed.ts * 1000).toISOString(),
      expired: true,
      salt: parsed.salt,
      crc32: { channel: parsed.crc_channel_name, uid: parsed.crc_uid },
      services: [
        {
          type: 1,
          name: 'rtc',
          privileges: [
            {
              id: 1,
              name: 'joinChannel',
              expire: parsed.messages[1]! - (parsed.ts - 86_400),
              expiresAt: new Date((issued + 600) * 1000).toISOString(),
            },
            {
              id: 2,
              name: 'publishAudioStream',
              expire: parsed.messages[2]! - (parsed.ts - 86_400),
              expiresAt: new Date((issued + 60) * 1000).toISOString(),
            },
          ],
        },
      ],
      signature: 'unknown',
      message: expect.stringContaining('send channel and uid (or account)'),
    });
    expect(body.crc32).toEqual({ channel: crc32('stage'), uid: crc32('42') });
  });

  it('verifies the signature with the channel and the uid or account it was built for', async () => {
    const byUid = build006('stage', 42, { 1: issued + 600 }).token;
    const valid = await inspect(byUid, { channel: 'stage', uid: 42 });
    expect(valid.body.signature).toBe('valid');
    // Without a secondary configured, the answer does not name the certificate.
    expect(valid.body.certificate).toBeUndefined();
    expect((await inspect(byUid, { channel: 'stage', uid: 43 })).body.signature).toBe('invalid');
    expect((await inspect(byUid, { channel: 'Stage', uid: 42 })).body.signature).toBe('invalid');
    expect((await inspect(byUid, { channel: 'stage' })).body.signature).toBe('unknown');

    const wildcard = build006('stage', 0, { 1: 0 }).token;
    const open = await inspect(wildcard, { channel: 'stage', uid: 0 });
    expect(open.body).toMatchObject({ signature: 'valid', crc32: { uid: 0 } });
    expect(open.body.services[0].privileges[0]).toMatchObject({
      expire: 0,
      expiresAt: open.body.expiresAt,
    });

    const byAccount = build006('stage', 'ålice', { 1: issued + 600 }).token;
    expect((await inspect(byAccount, { channel: 'stage', account: 'ålice' })).body.signature).toBe(
      'valid',
    );
  });

  it('checks an RTM 006 token against its user id alone', async () => {
    const { token } = build006('alice', '', { 1000: issued + 600 });
    const unknown = await inspect(token);
    expect(unknown.body).toMatchObject({
      signature: 'unknown',
      services: [{ type: 2, name: 'rtm', privileges: [{ id: 1000, name: 'login' }] }],
    });
    expect(unknown.body.message).toContain('RTM user id');
    expect((await inspect(token, { account: 'alice' })).body.signature).toBe('valid');
    expect((await inspect(token, { account: 'bob' })).body.signature).toBe('invalid');
  });

  it('says invalid for another certificate and unknown_app for another app', async () => {
    const other = build006('stage', 1, { 1: 0 }, { certificate: 'f'.repeat(32) }).token;
    expect((await inspect(other, { channel: 'stage', uid: 1 })).body.signature).toBe('invalid');
    // The token the Node token server tutorial shows.
    const tutorial =
      '0062ec0d84c41c4442d88ba6f5a2beb828bIAD9qg4N4hd04MvaY6A72m4BjYmO/7+xnRMinaI0ncLzkAx+f9gAAAAAEACS0zcn9gASXwEAAQCGvRBf';
    const { status, body } = await inspect(tutorial, { channel: 'test', uid: 0 });
    expect(status).toBe(200);
    expect(body).toMatchObject({
      appId: '2ec0d84c41c4442d88ba6f5a2beb828b',
      issuedAt: '2020-07-16T19:50:14.000Z',
      crc32: { channel: crc32('test'), uid: 0 },
      services: [{ name: 'rtc', privileges: [{ id: 1, expire: 3600 }] }],
      signature: 'unknown_app',
    });
  });

  it.each([
    ['trailing bytes', (t: string) => `${t}AAAA`],
    ['an app id that is not hex', (t: string) => `006${'z'.repeat(32)}${t.slice(35)}`],
    ['bad base64', (t: string) => `${t.slice(0, 40)}!${t.slice(41)}`],
    ['no content', (t: string) => t.slice(0, 35)],
  ])('answers 400 to a 006 token with %s', async (_name, damage) => {
    const { token } = build006('stage', 1, { 1: 0 });
    const { status, body } = await inspect(damage(token));
    expect(status).toBe(400);
    expect(body.error).toMatchObject({
      field: 'token',
      message: 'token is not a well-formed 006 token',
    });
  });
});

describe('certificate rotation: AGORA_APP_CERTIFICATE_SECONDARY', () => {
  let rotating: TestGateway;
  beforeAll(async () => {
    rotating = await startAgora({ AGORA_APP_CERTIFICATE_SECONDARY: secondaryCertificate });
  });
  afterAll(async () => {
    await rotating.close();
  });
  const inspectThere = (token: string, use: Record<string, unknown> = {}) =>
    postJson(`${rotating.url}/api/agora/inspect`, { token, ...use });

  it('mints with the primary certificate only', async () => {
    const { body } = await call(`${rotating.url}/api/agora/rtc?channel=c&uid=1`);
    expect(decode(body.token).verified).toBe(true);
    expect(decode(body.token, secondaryCertificate).verified).toBe(false);
    expect((await inspectThere(body.token)).body).toMatchObject({
      signature: 'valid',
      certificate: 'primary',
    });
  });

  it('says valid, signed with the secondary, for 007 and 006 tokens of the other certificate', async () => {
    const token = RtcTokenBuilder.buildTokenWithUid(appId, secondaryCertificate, 'c', 1, 1, 60, 60);
    expect((await inspectThere(token)).body).toMatchObject({
      signature: 'valid',
      certificate: 'secondary',
    });
    const legacy = build006('c', 1, { 1: 0 }, { certificate: secondaryCertificate }).token;
    expect((await inspectThere(legacy, { channel: 'c', uid: 1 })).body).toMatchObject({
      signature: 'valid',
      certificate: 'secondary',
    });
    // Without the secondary configured, the same token is simply invalid.
    expect((await inspect(token)).body).toMatchObject({ signature: 'invalid' });
    expect((await inspect(token)).body.certificate).toBeUndefined();
  });

  it('never shows either certificate', () => {
    for (const line of rotating.logs) {
      expect(line).not.toContain(appCertificate);
      expect(line).not.toContain(secondaryCertificate);
    }
  });
});
