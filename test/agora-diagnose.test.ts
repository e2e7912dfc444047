import { ChatTokenBuilder, RtcRole, RtcTokenBuilder, RtmTokenBuilder } from 'agora-token';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { agoraProvider } from '../providers/agora';
import { findingSeverities } from '../providers/agora/diagnose';
import {
  agoraEnv,
  appCertificate,
  appId,
  build006,
  secondaryCertificate,
} from './support/agora-fixtures';
import { postJson, startGateway, type TestGateway } from './support/gateway';

// The real clock: agora-token stamps tokens with the real time, and `at` moves the check.
let gw: TestGateway;
beforeAll(async () => {
  gw = await startGateway({
    definitions: [agoraProvider],
    env: { ...agoraEnv, AGORA_APP_CERTIFICATE_SECONDARY: secondaryCertificate },
  });
});
afterAll(async () => {
  await gw.close();
});

const otherCertificate = 'f'.repeat(32);
const now = () => Math.floor(Date.now() / 1000);
const rtc = ({
  uid = 42 as number | string,
  role = RtcRole.PUBLISHER,
  expiry = 600,
  certificate = appCertificate,
  app = appId,
} = {}) =>
  typeof uid === 'number'
    ? RtcTokenBuilder.buildTokenWithUid(app, certificate, 'stage', uid, role, expiry, expiry)
    : RtcTokenBuilder.buildTokenWithUserAccount(
        app,
        certificate,
        'stage',
        uid,
        role,
        expiry,
        expiry,
      );

const diagnose = (body: Record<string, unknown>) => postJson(`${gw.url}/api/agora/diagnose`, body);
const codes = async (body: Record<string, unknown>) => {
  const { status, body: answer } = await diagnose(body);
  expect(status).toBe(200);
  for (const finding of answer.findings) {
    expect(finding.severity).toBe(
      findingSeverities[finding.code as keyof typeof findingSeverities],
    );
    expect(finding.message.length).toBeGreaterThan(20);
  }
  expect(answer.ok).toBe(
    !answer.findings.some((f: { severity: string }) => f.severity === 'error'),
  );
  return answer.findings.map((f: { code: string }) => f.code);
};

describe('POST /api/agora/diagnose', () => {
  it('finds nothing wrong with a token that fits what the client does', async () => {
    const token = rtc();
    const { status, body, headers } = await diagnose({
      token,
      service: 'rtc',
      channel: 'stage',
      uid: 42,
      role: 'publisher',
      appId,
    });
    expect(status).toBe(200);
    expect(headers.get('cache-control')).toBe('no-store');
    expect(body).toMatchObject({ ok: true, findings: [] });
    const inspected = await postJson(`${gw.url}/api/agora/inspect`, { token });
    expect(body.token).toEqual(inspected.body);
  });

  it('malformed: not a token, or a token whose "+" became a space', async () => {
    const { body } = await diagnose({ token: 'hello', service: 'rtc' });
    expect(body).toMatchObject({
      ok: false,
      token: null,
      findings: [{ code: 'malformed', severity: 'error' }],
    });
    let token = rtc();
    while (!token.includes('+')) token = rtc();
    const spaced = await diagnose({ token: token.replaceAll('+', ' '), service: 'rtc' });
    expect(spaced.body.findings).toEqual([
      expect.objectContaining({
        code: 'malformed',
        message: expect.stringContaining('URL-encode'),
      }),
    ]);
  });

  it('version_006: a legacy token, checked as far as 006 allows', async () => {
    const { token } = build006('stage', 42, { 1: now() + 600 });
    const { body } = await diagnose({ token, service: 'rtc', channel: 'stage', uid: 42 });
    expect(body.ok).toBe(true);
    expect(body.findings.map((f: { code: string }) => f.code)).toEqual(['version_006']);
    expect(body.token).toMatchObject({ version: '006', signature: 'valid' });
    expect(await codes({ token, service: 'rtc' })).toEqual(['version_006']);
  });

  it('app_id_mismatch: a token of another app, or a client initialized with another', async () => {
    const foreign = rtc({ app: 'a'.repeat(32) });
    expect(await codes({ token: foreign, service: 'rtc' })).toEqual(['app_id_mismatch']);
    expect(await codes({ token: rtc(), service: 'rtc', appId: 'b'.repeat(32) })).toEqual([
      'app_id_mismatch',
    ]);
    expect(await codes({ token: foreign, service: 'rtc', appId: 'A'.repeat(32) })).toEqual([]);
  });

  it('signature_invalid and signed_with_secondary', async () => {
    expect(await codes({ token: rtc({ certificate: otherCertificate }), service: 'rtc' })).toEqual([
      'signature_invalid',
    ]);
    expect(
      await codes({ token: rtc({ certificate: secondaryCertificate }), service: 'rtc' }),
    ).toEqual(['signed_with_secondary']);
    const legacy = build006('stage', 42, { 1: 0 }, { certificate: otherCertificate }).token;
    expect(await codes({ token: legacy, service: 'rtc', channel: 'stage', uid: 42 })).toEqual([
      'version_006',
      'signature_invalid',
    ]);
  });

  it('expired, privilege_expired and expires_soon', async () => {
    expect(await codes({ token: rtc({ expiry: 60 }), service: 'rtc', at: now() + 120 })).toEqual([
      'expired',
    ]);
    const cohost = RtcTokenBuilder.buildTokenWithUidAndPrivilege(
      appId,
      appCertificate,
      'stage',
      42,
      600,
      600,
      60,
      600,
      600,
    );
    const later = new Date((now() + 120) * 1000).toISOString();
    const publishing = await diagnose({
      token: cohost,
      service: 'rtc',
      role: 'publisher',
      at: later,
    });
    expect(publishing.body.findings).toEqual([
      expect.objectContaining({
        code: 'privilege_expired',
        message: expect.stringContaining('publishAudioStream'),
      }),
    ]);
    expect(publishing.body.ok).toBe(false);
    expect(await codes({ token: cohost, service: 'rtc', role: 'subscriber', at: later })).toEqual(
      [],
    );
    expect(await codes({ token: rtc({ expiry: 20 }), service: 'rtc' })).toEqual(['expires_soon']);
    expect(
      await codes({ token: cohost, service: 'rtc', role: 'publisher', at: now() + 45 }),
    ).toEqual(['expires_soon']);
    const legacy = build006('stage', 42, { 1: now() + 60 }).token;
    expect(await codes({ token: legacy, service: 'rtc', at: now() + 120 })).toEqual([
      'version_006',
      'privilege_expired',
    ]);
  });

  it('service_missing: a token of one SDK used with another', async () => {
    expect(await codes({ token: rtc(), service: 'rtm' })).toEqual(['service_missing']);
    const rtm = RtmTokenBuilder.buildToken(appId, appCertificate, 'alice', 600);
    expect(await codes({ token: rtm, service: 'rtc' })).toEqual(['service_missing']);
    expect(await codes({ token: rtm, service: 'rtm', uid: 'alice' })).toEqual([]);
    const app = ChatTokenBuilder.buildAppToken(appId, appCertificate, 600);
    expect(await codes({ token: app, service: 'chat' })).toEqual(['service_missing']);
    const legacy = build006('stage', 42, { 1: 0 }).token;
    expect(await codes({ token: legacy, service: 'chat' })).toEqual([
      'version_006',
      'service_missing',
    ]);
  });

  it('channel_mismatch, also from the CRC32 of a 006 token', async () => {
    expect(await codes({ token: rtc(), service: 'rtc', channel: 'Stage' })).toEqual([
      'channel_mismatch',
    ]);
    const legacy = build006('stage', 42, { 1: 0 }).token;
    expect(await codes({ token: legacy, service: 'rtc', channel: 'Stage', uid: 42 })).toEqual([
      'version_006',
      'channel_mismatch',
    ]);
  });

  it('uid_mismatch: another uid, an account, uid 0, another RTM or Chat user', async () => {
    for (const declared of [{ uid: 7 }, { account: 'bob' }, { uid: 0 }]) {
      expect(await codes({ token: rtc(), service: 'rtc', ...declared })).toEqual(['uid_mismatch']);
    }
    const rtm = RtmTokenBuilder.buildToken(appId, appCertificate, 'alice', 600);
    expect(await codes({ token: rtm, service: 'rtm', account: 'bob' })).toEqual(['uid_mismatch']);
    const chat = ChatTokenBuilder.buildUserToken(appId, appCertificate, 'alice', 600);
    expect(await codes({ token: chat, service: 'chat', uid: 'alice' })).toEqual([]);
    expect(await codes({ token: chat, service: 'chat', uid: 'bob' })).toEqual(['uid_mismatch']);
    const legacy = build006('stage', 42, { 1: 0 }).token;
    expect(await codes({ token: legacy, service: 'rtc', channel: 'stage', uid: 43 })).toEqual([
      'version_006',
      'uid_mismatch',
    ]);
    const legacyRtm = build006('alice', '', { 1000: 0 }).token;
    expect(await codes({ token: legacyRtm, service: 'rtm', uid: 'alice' })).toEqual([
      'version_006',
    ]);
    expect(await codes({ token: legacyRtm, service: 'rtm', uid: 'bob' })).toEqual([
      'version_006',
      'uid_mismatch',
    ]);
  });

  it('account_vs_uid: a digits-only account is the uid token, but not the same SDK user', async () => {
    const { body } = await diagnose({ token: rtc({ uid: 42 }), service: 'rtc', account: '42' });
    expect(body.ok).toBe(true);
    expect(body.findings).toEqual([
      expect.objectContaining({ code: 'account_vs_uid', severity: 'warning' }),
    ]);
    expect(await codes({ token: rtc({ uid: '42' }), service: 'rtc', uid: 42 })).toEqual([]);
  });

  it('wildcard_uid and publish_privilege_missing', async () => {
    expect(await codes({ token: rtc({ uid: 0 }), service: 'rtc', uid: 9 })).toEqual([
      'wildcard_uid',
    ]);
    const subscriber = rtc({ role: RtcRole.SUBSCRIBER });
    expect(await codes({ token: subscriber, service: 'rtc', role: 'publisher' })).toEqual([
      'publish_privilege_missing',
    ]);
    expect(await codes({ token: subscriber, service: 'rtc', role: 'audience' })).toEqual([]);
  });

  it('lists several findings in the documented order', async () => {
    const token = rtc({
      uid: 0,
      role: RtcRole.SUBSCRIBER,
      expiry: 60,
      certificate: otherCertificate,
    });
    expect(
      await codes({
        token,
        service: 'rtc',
        channel: 'x',
        account: '5',
        role: 'publisher',
        at: now() + 90,
      }),
    ).toEqual([
      'signature_invalid',
      'expired',
      'channel_mismatch',
      'account_vs_uid',
      'wildcard_uid',
      'publish_privilege_missing',
    ]);
  });

  it.each([
    [{ service: 'rtc' }, 'token'],
    [{ token: 'x'.repeat(4097), service: 'rtc' }, 'token'],
    [{ token: 'x' }, 'service'],
    [{ token: 'x', service: 'fpa' }, 'service'],
    [{ token: 'x', service: 'rtc', uid: 'alice' }, 'uid'],
    [{ token: 'x', service: 'rtc', uid: 1, account: 'a' }, 'uid'],
    [{ token: 'x', service: 'rtm', uid: '' }, 'uid'],
    [{ token: 'x', service: 'rtc', channel: 'a/b' }, 'channel'],
    [{ token: 'x', service: 'rtc', role: 'host' }, 'role'],
    [{ token: 'x', service: 'rtc', appId: 'nope' }, 'appId'],
    [{ token: 'x', service: 'rtc', at: 'tomorrow' }, 'at'],
    [{ token: 'x', service: 'rtc', at: 1.5 }, 'at'],
  ])('answers 400 to %o, naming %s', async (body, field) => {
    const { status, body: answer } = await diagnose(body);
    expect(status).toBe(400);
    expect(answer.error).toMatchObject({ code: 'invalid_request', field });
  });

  it('never shows a certificate', () => {
    for (const line of gw.logs) {
      expect(line).not.toContain(appCertificate);
      expect(line).not.toContain(secondaryCertificate);
    }
  });
});
