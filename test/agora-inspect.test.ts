import { deflateSync, inflateSync } from 'node:zlib';
import { RtcTokenBuilder } from 'agora-token';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { appCertificate, appId, startAgora } from './support/agora-fixtures';
import { postJson, call, type TestGateway } from './support/gateway';

let gw: TestGateway;
beforeAll(async () => {
  gw = await startAgora();
});
afterAll(async () => {
  await gw.close();
});

const inspect = (token: unknown) => postJson(`${gw.url}/api/agora/inspect`, { token });
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
    ['a 006 token', '006970ca35de60c44645bbae8a215061b33IAD9qg4N4hd04MvaY6A72m4BjYmO'],
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

  it('never shows the certificate', async () => {
    for (const line of gw.logs) expect(line).not.toContain(appCertificate);
  });
});
