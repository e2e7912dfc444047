import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { agoraProvider } from '../providers/agora';
import { authorize } from '../providers/agora/authorize';
import { matchesChannel, parseChannelPattern } from '../providers/agora/channel-pattern';
import { parsePolicy } from '../providers/agora/policy';
import { createGateway } from '../src/app';
import { BootError } from '../src/errors';
import { startOidcIdp, type OidcIdp } from '../standins/oidc-idp';
import {
  adminKey,
  agoraEnv,
  appCertificate,
  decode,
  publisherPrivileges,
  removePolicies,
  subscriberPrivileges,
  writePolicy,
} from './support/agora-fixtures';
import { refusedUrl } from './support/bentley-broken-ims';
import { call, postJson, startGateway, type TestGateway } from './support/gateway';

const audience = 'https://tokengate.test/agora';
const appClient = { id: 'agora-app', secret: 'agora-app-secret' };

/** The issue's example policy, and a grant for Conversational AI agents. */
const policy = {
  identity: { uid: 'agora_uid', account: 'sub' },
  maxExpiry: 3600,
  grants: [
    {
      when: { claim: 'role', equals: 'host' },
      channels: ['*'],
      roles: ['publisher', 'subscriber'],
      types: ['rtc', 'rte', 'rtm', 'chat'],
    },
    { channels: ['lobby', 'room-{sub}', 'team-{org}-*'], roles: ['subscriber'], types: ['rtc'] },
    { when: { claim: 'groups', includes: 'agents' }, channels: ['support-*'], types: ['convoai'] },
  ],
};

let idp: OidcIdp;
let open: TestGateway;
let guarded: TestGateway;
beforeAll(async () => {
  idp = await startOidcIdp({
    clients: [
      {
        client_id: appClient.id,
        client_secret: appClient.secret,
        grant_types: ['client_credentials'],
        response_types: [],
        redirect_uris: [],
      },
    ],
    resourceScope: 'app',
    defaultResource: audience,
  });
  const caller = { AGORA_CALLER_ISSUER: idp.issuer, AGORA_CALLER_AUDIENCE: audience };
  // The real clock: the caller tokens are stamped with it.
  [open, guarded] = await Promise.all([
    startGateway({
      definitions: [agoraProvider],
      env: { ...agoraEnv, ...caller, AGORA_COMPAT_ROUTES: 'true' },
    }),
    startGateway({
      definitions: [agoraProvider],
      env: {
        ...agoraEnv,
        ...caller,
        AGORA_COMPAT_ROUTES: 'true',
        AGORA_POLICY: writePolicy(policy),
      },
    }),
  ]);
});
afterAll(async () => {
  await Promise.all([open.close(), guarded.close(), idp.close()]);
  removePolicies();
});

/** A caller token of the demo IdP with these claims, signed with its current key. */
const callerToken = (claims: Record<string, unknown>) => {
  const now = Math.floor(Date.now() / 1000);
  return idp.sign({ iss: idp.issuer, aud: audience, iat: now, exp: now + 600, ...claims });
};
const viewer = () => callerToken({ sub: 'alice', agora_uid: 42, org: 'acme' });
const host = () => callerToken({ sub: 'hostie', agora_uid: 7, role: 'host' });

const bearer = (token: string) => ({ authorization: `Bearer ${token}` });
const get = async (gw: TestGateway, path: string, token?: string) =>
  call(`${gw.url}${path}`, token ? { headers: bearer(token) } : {});

/** Expects a 403 naming `field`, and never a token in the answer. */
function expectRefused(answer: Awaited<ReturnType<typeof call>>, field: string, rule?: string) {
  expect(answer.status, answer.text).toBe(403);
  expect(answer.body.error).toMatchObject({ code: 'forbidden', field });
  if (rule) expect(answer.body.error.message).toContain(rule);
  expect(answer.text).not.toMatch(/"token"|007eJ/);
}

describe('caller authorization without a policy', () => {
  it('asks every minting route for a bearer token, and leaves inspect and diagnose open', async () => {
    for (const path of [
      '/api/agora/rtc?channel=c&uid=1',
      '/api/agora/token?type=rtm&uid=a',
      '/api/agora/convoai?channel=c&uid=1',
      '/rtc/c/publisher/uid/1/',
      '/rtm/a/',
      '/rte/c/publisher/uid/1/',
      '/chat/account/a/',
    ]) {
      const answer = await get(open, path);
      expect(answer.status, path).toBe(401);
      expect(answer.headers.get('www-authenticate')).toBe('Bearer');
    }
    const posted = await postJson(`${open.url}/getToken`, { tokenType: 'rtm', uid: 'a' });
    expect(posted.status).toBe(401);
    const inspected = await postJson(`${open.url}/api/agora/inspect`, { token: 'garbage' });
    expect(inspected.status).toBe(400);
    const diagnosed = await postJson(`${open.url}/api/agora/diagnose`, {
      token: 'garbage',
      service: 'rtc',
    });
    expect(diagnosed.status).toBe(200);
  });

  it('lets any verified caller mint anything, with a client-credentials token of the IdP', async () => {
    const { status, body } = await idp.clientCredentials(appClient, { resource: audience });
    expect(status).toBe(200);
    const token = body.access_token as string;
    const minted = await get(open, '/api/agora/rtc?channel=anything&uid=99', token);
    expect(minted.status).toBe(200);
    expect(decode(minted.body.token).services[0]).toMatchObject({ uid: '99' });
    const compat = await postJson(
      `${open.url}/getToken`,
      { tokenType: 'rtc', channel: 'c', uid: '5' },
      bearer(token),
    );
    expect(compat.status).toBe(200);
  });

  it('rejects bad bearer tokens as Bentley does', async () => {
    const wrongAudience = await callerToken({ sub: 'x', aud: 'https://elsewhere.test' });
    const answer = await get(open, '/api/agora/rtc?channel=c&uid=1', wrongAudience);
    expect(answer.status).toBe(401);
    expect(answer.headers.get('www-authenticate')).toBe('Bearer error="invalid_token"');
    expect(answer.body.error.message).toContain('aud claim rejected');
  });

  it('keeps the Chat app token behind the admin key', async () => {
    const app = await get(open, '/api/agora/chat/app', adminKey);
    expect(app.status).toBe(200);
    expect((await get(open, '/api/agora/chat/app', await host())).status).toBe(401);
  });

  it('answers 503 when the issuer cannot be reached', async () => {
    const unreachable = await startGateway({
      definitions: [agoraProvider],
      env: { ...agoraEnv, AGORA_CALLER_ISSUER: (await refusedUrl('')).replace(/\/$/, '') },
    });
    try {
      const answer = await get(unreachable, '/api/agora/rtc?channel=c&uid=1', await viewer());
      expect(answer.status).toBe(503);
      expect(answer.body.error.code).toBe('unavailable');
    } finally {
      await unreachable.close();
    }
  });
});

describe('AGORA_POLICY grants', () => {
  it('allows what a grant allows, filling the uid in from the caller', async () => {
    const { status, body } = await get(
      guarded,
      '/api/agora/rtc?channel=lobby&role=subscriber',
      await viewer(),
    );
    expect(status).toBe(200);
    expect(body).toMatchObject({ channel: 'lobby', uid: 42, role: 'subscriber' });
    expect(decode(body.token)).toMatchObject({
      verified: true,
      services: [{ channel: 'lobby', uid: '42', privileges: subscriberPrivileges(3600) }],
    });
  });

  it('refuses a role, a channel or a type no grant allows, naming the field', async () => {
    const token = await viewer();
    expectRefused(
      await get(guarded, '/api/agora/rtc?channel=lobby&role=publisher', token),
      'role',
      'role publisher',
    );
    expectRefused(
      await get(guarded, '/api/agora/rtc?channel=backstage&role=subscriber', token),
      'channel',
    );
    expectRefused(await get(guarded, '/api/agora/rtm', token), 'type', 'rtm tokens');
    expectRefused(
      await get(guarded, '/api/agora/convoai?channel=support-1&uid=5', token),
      'type',
      'convoai',
    );
  });

  it('matches `when` by equals and by includes', async () => {
    const anywhere = await get(guarded, '/api/agora/rte?channel=stage', await host());
    expect(anywhere.status).toBe(200);
    expect(decode(anywhere.body.token).services).toEqual([
      { type: 1, channel: 'stage', uid: '7', privileges: publisherPrivileges(3600) },
      { type: 2, user: '7', privileges: { 1: 3600 } },
    ]);
    const agent = await callerToken({ sub: 'bot-runner', groups: ['staff', 'agents'] });
    const convo = await get(guarded, '/api/agora/convoai?channel=support-7&uid=9001', agent);
    expect(convo.status).toBe(200);
    expect(decode(convo.body.token).services.map((s) => s.type)).toEqual([1, 2, 9]);
    expectRefused(
      await get(guarded, '/api/agora/convoai?channel=sales&uid=9001', agent),
      'channel',
    );
    const notIncluded = await callerToken({ sub: 'x', groups: 'agents' });
    expectRefused(
      await get(guarded, '/api/agora/convoai?channel=support-7&uid=1', notIncluded),
      'type',
    );
    const noGrant = await callerToken({ role: 'host ' });
    expectRefused(await get(guarded, '/api/agora/rtm?uid=x', noGrant), 'type');
  });

  it('substitutes claims into channel patterns, literally, and a missing claim matches nothing', async () => {
    const rtc = async (claims: Record<string, unknown>, channel: string) =>
      get(
        guarded,
        `/api/agora/rtc?channel=${encodeURIComponent(channel)}&role=subscriber`,
        await callerToken({ agora_uid: 5, ...claims }),
      );
    expect((await rtc({ sub: 'alice' }, 'room-alice')).status).toBe(200);
    expectRefused(await rtc({ sub: 'alice' }, 'room-bob'), 'channel');
    expect((await rtc({ sub: 'a', org: 'acme' }, 'team-acme-7')).status).toBe(200);
    expect((await rtc({ sub: 'a', org: 'acme' }, 'team-acme-')).status).toBe(200);
    expectRefused(await rtc({ sub: 'a', org: 'acme' }, 'team-other-7'), 'channel');
    // A claim holding pattern syntax is text: "*" matches only "*", "}" only "}".
    expectRefused(await rtc({ sub: 'a*' }, 'room-abc'), 'channel');
    expectRefused(await rtc({ sub: '{org}', org: 'acme' }, 'room-acme'), 'channel');
    expect((await rtc({ sub: 'a}' }, 'room-a}')).status).toBe(200);
    expectRefused(await rtc({ sub: 'a}' }, 'room-a'), 'channel');
    // Without an org claim (or with a non-text one) no team channel matches.
    expectRefused(await rtc({ sub: 'a' }, 'team--7'), 'channel');
    expectRefused(
      await rtc({ sub: 'a', org: { name: 'acme' } }, 'team-[object Object]-1'),
      'channel',
    );
  });

  it('binds the uid and the account to the caller', async () => {
    const token = await viewer();
    const path = (query: string) => `/api/agora/rtc?channel=lobby&role=subscriber&${query}`;
    expect((await get(guarded, path('uid=42'), token)).status).toBe(200);
    expectRefused(await get(guarded, path('uid=43'), token), 'uid', 'agora_uid');
    expectRefused(await get(guarded, path('uid=0'), token), 'uid', 'uid 0');
    const byAccount = await get(guarded, path('account=alice'), token);
    expect(byAccount.status).toBe(200);
    expect(decode(byAccount.body.token).services[0]!.uid).toBe('alice');
    expectRefused(await get(guarded, path('account=mallory'), token), 'account', 'sub');
    // No uid claim: the account claim is used; a uid-0 claim is no uid at all.
    for (const claims of [{ sub: 'alice' }, { sub: 'alice', agora_uid: 0 }]) {
      const fallback = await get(guarded, path(''), await callerToken(claims));
      expect(fallback.body).toMatchObject({ account: 'alice' });
      expectRefused(await get(guarded, path('uid=1'), await callerToken(claims)), 'uid');
    }
    expectRefused(await get(guarded, path(''), await callerToken({ agora_uid: 'x' })), 'uid');
    // RTM and Chat user ids must be one of the caller's own.
    const hostToken = await host();
    const rtm = await get(guarded, '/api/agora/rtm', hostToken);
    expect(rtm.body.uid).toBe('7');
    expect((await get(guarded, '/api/agora/chat?uid=hostie', hostToken)).status).toBe(200);
    expectRefused(await get(guarded, '/api/agora/chat?uid=alice', hostToken), 'uid');
    expectRefused(await get(guarded, '/api/agora/rte?channel=c&rtmUid=alice', hostToken), 'rtmUid');
    const rte = await get(guarded, '/api/agora/rte?channel=c&rtmUid=hostie', hostToken);
    expect(decode(rte.body.token).services.map((s) => s.uid ?? s.user)).toEqual(['7', 'hostie']);
  });

  it('clamps the lifetime to maxExpiry, privileges included', async () => {
    const { status, body } = await get(
      guarded,
      '/api/agora/rtc?channel=lobby&role=subscriber&expiry=7200&joinExpiry=5000',
      await viewer(),
    );
    expect(status).toBe(200);
    expect(body.expiresIn).toBe(3600);
    // Both read the real clock, a moment apart.
    expect(Date.parse(body.expiresAt) - Date.parse(body.privileges.joinChannel)).toBeLessThan(1000);
    expect(
      Date.parse(body.expiresAt) - Date.parse(body.privileges.joinChannel),
    ).toBeGreaterThanOrEqual(0);
    expect(decode(body.token)).toMatchObject({
      expire: 3600,
      services: [{ privileges: subscriberPrivileges(3600) }],
    });
    const short = await get(
      guarded,
      '/api/agora/rtc?channel=lobby&role=subscriber&expiry=60',
      await viewer(),
    );
    expect(short.body.expiresIn).toBe(60);
  });

  it('applies to the compatibility routes', async () => {
    const token = await viewer();
    const ok = await get(guarded, '/rtc/lobby/subscriber/uid/42/', token);
    expect(ok.status).toBe(200);
    expect(decode(ok.body.rtcToken)).toMatchObject({ expire: 3600 });
    expectRefused(await get(guarded, '/rtc/lobby/publisher/uid/42/', token), 'role');
    expectRefused(await get(guarded, '/rtc/lobby/subscriber/uid/43/', token), 'uid');
    expectRefused(await get(guarded, '/rtm/alice/', token), 'type');
    expect((await get(guarded, '/rtc/lobby/subscriber/uid/42/')).status).toBe(401);
    const hostToken = await host();
    expectRefused(await get(guarded, '/rte/c/publisher/uid/7/alice/', hostToken), 'rtmUid');
    const rte = await get(guarded, '/rte/c/publisher/uid/7/hostie/', hostToken);
    expect(decode(rte.body.rtmToken).services[0]!.user).toBe('hostie');
    expect((await get(guarded, '/chat/account/7/', hostToken)).status).toBe(200);
    const go = (body: unknown, headers: Record<string, string> = bearer(token)) =>
      postJson(`${guarded.url}/getToken`, body, headers);
    expect(
      (await go({ tokenType: 'rtc', channel: 'lobby', role: 'subscriber', uid: 42 })).status,
    ).toBe(200);
    expectRefused(await go({ tokenType: 'rtc', channel: 'lobby', uid: 42 }), 'role');
    expect((await go({ tokenType: 'rtc', channel: 'lobby', uid: 42 }, {})).status).toBe(401);
    // The Chat app token stays the admin's: a caller token is not the admin key.
    expect((await go({ tokenType: 'chat' })).status).toBe(401);
    expect((await go({ tokenType: 'chat' }, bearer(adminKey))).status).toBe(200);
  });

  it('never logs a caller token or the certificate', async () => {
    const token = await viewer();
    await get(guarded, '/api/agora/rtc?channel=backstage&role=subscriber', token);
    for (const line of [...guarded.logs, ...open.logs]) {
      expect(line).not.toContain(token);
      expect(line).not.toContain(appCertificate);
    }
  });
});

describe('authorize, the framework-free check', () => {
  it('matches wildcards without letting pieces overlap', () => {
    const matches = (source: string, channel: string) => {
      const pattern = parseChannelPattern(source);
      if (typeof pattern === 'string') throw new Error(pattern);
      return matchesChannel(pattern, channel, { sub: 'b' });
    };
    expect(matches('a*{sub}*b', 'ab')).toBe(false);
    expect(matches('a*b*b', 'abb')).toBe(true);
    expect(matches('a*a', 'a')).toBe(false);
    expect(matches('*-{sub}-*', 'x-b-y')).toBe(true);
    expect(matches('*', 'anything at all')).toBe(true);
    expect(matches('lobby', 'lobby2')).toBe(false);
  });

  it('refuses a caller no grant applies to, and leaves an allowed request as asked', () => {
    const parsed = parsePolicy({
      grants: [
        {
          when: { claim: 'role', equals: 'host' },
          channels: ['*'],
          roles: ['publisher'],
          types: ['rtc'],
        },
      ],
    });
    if (!parsed.ok) throw new Error(parsed.problems.join('\n'));
    const request = {
      type: 'rtc',
      channel: 'c',
      uid: 5,
      role: 'publisher',
      expiry: 90000,
    } as const;
    expect(() => authorize(parsed.policy, { role: 'guest' }, request)).toThrow(
      expect.objectContaining({
        status: 403,
        field: 'type',
        message: expect.stringContaining('no grant'),
      }),
    );
    expect(authorize(parsed.policy, { role: 'host' }, request)).toEqual(request);
  });
});

describe('AGORA_POLICY at boot', () => {
  const bootProblems = async (env: Record<string, string>) => {
    try {
      const gateway = await createGateway({
        env: { ...agoraEnv, ...env },
        definitions: [agoraProvider],
        writeLog: () => {},
      });
      await gateway.close();
    } catch (error) {
      if (error instanceof BootError) return error.problems;
      throw error;
    }
    throw new Error('the gateway booted');
  };

  it('names every bad entry of the file', () => {
    const result = parsePolicy({
      identity: { uid: '' },
      maxExpiry: 0,
      grants: [
        { channels: ['room-{sub', 'a}b', 'ok'], roles: ['host'], types: ['rtc'] },
        { types: ['rte'] },
        { when: { claim: 'role', equals: 'a', includes: 'b' }, types: ['rtm'] },
        { types: ['fpa'], channel: ['x'] },
        { types: [] },
      ],
    });
    expect(result.ok ? [] : result.problems).toEqual([
      'identity.uid: must be a claim name',
      'maxExpiry: must be a whole number of seconds from 1 to 86400',
      'grants[0].channels[0]: "room-{sub" has a "{" without its "}"',
      'grants[0].channels[1]: "a}b" has a "}" without its "{"',
      'grants[0].roles[0]: must be publisher or subscriber',
      'grants[1].channels: is required for rtc, rte and convoai ("*" for every channel)',
      'grants[1].roles: is required for rtc and rte',
      'grants[2].when: must be {"claim", "equals"} or {"claim", "includes"}, with string values',
      'grants[3].types[0]: must be one of rtc, rtm, rte, chat, convoai',
      'grants[3]: Unrecognized key: "channel"',
      'grants[4].types: must name at least one token type',
    ]);
    expect(parsePolicy({ grants: [] })).toEqual({
      ok: false,
      problems: ['grants: must hold at least one grant'],
    });
  });

  it('stops the boot on a bad policy or caller variable, naming each', async () => {
    const issuer = { AGORA_CALLER_ISSUER: 'https://issuer.test/' };
    expect(
      await bootProblems({ ...issuer, AGORA_POLICY: writePolicy({ grants: [{ types: ['x'] }] }) }),
    ).toEqual([
      'agora: AGORA_POLICY: grants[0].types[0]: must be one of rtc, rtm, rte, chat, convoai',
    ]);
    expect(await bootProblems({ ...issuer, AGORA_POLICY: writePolicy('{"grants": [') })).toEqual([
      expect.stringMatching(/^agora: AGORA_POLICY: .*policy\.json is not valid JSON$/),
    ]);
    expect(await bootProblems({ ...issuer, AGORA_POLICY: '/nonexistent/policy.json' })).toEqual([
      'agora: AGORA_POLICY: cannot read /nonexistent/policy.json (ENOENT)',
    ]);
    expect(
      await bootProblems({
        AGORA_POLICY: writePolicy(policy),
        AGORA_CALLER_AUDIENCE: audience,
        AGORA_CALLER_ALGORITHMS: 'ES256',
      }),
    ).toEqual([
      'agora: AGORA_CALLER_AUDIENCE: needs AGORA_CALLER_ISSUER: callers are verified only when it is set',
      'agora: AGORA_CALLER_ALGORITHMS: needs AGORA_CALLER_ISSUER: callers are verified only when it is set',
      'agora: AGORA_POLICY: needs AGORA_CALLER_ISSUER: callers are verified only when it is set',
    ]);
    expect(await bootProblems({ AGORA_CALLER_ISSUER: 'issuer.test' })).toEqual([
      "agora: AGORA_CALLER_ISSUER: must be an http(s) URL: the exact iss of your callers' tokens",
    ]);
    expect(await bootProblems({ ...issuer, AGORA_CALLER_ALGORITHMS: 'RS256,HS256' })).toEqual([
      'agora: AGORA_CALLER_ALGORITHMS: must be asymmetric JWS algorithms, comma separated (e.g. RS256,ES256)',
    ]);
  });
});
