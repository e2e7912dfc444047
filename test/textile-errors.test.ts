import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { textileProvider } from '../providers/textile';
import { startGateway, call, postJson } from './support/gateway';
import { startHubEmulator } from '../standins/textile/hub-emulator';
import {
  eventually,
  newIdentity,
  signBase64,
  startTextile,
  type TextileSetup,
} from './support/textile-fixtures';

const challengeUrl = (setup: TextileSetup) => `${setup.gw.url}/api/textile/token/challenge`;
const tokenUrl = (setup: TextileSetup) => `${setup.gw.url}/api/textile/token`;

async function openChallenge(setup: TextileSetup, identity = newIdentity()) {
  const opened = await postJson(challengeUrl(setup), { publicKey: identity.public.toString() });
  expect(opened.status).toBe(200);
  return { identity, ...(opened.body as { challengeId: string; challenge: string }) };
}

describe('textile: malformed input is a 400 naming the field', () => {
  let setup: TextileSetup;
  beforeAll(async () => {
    setup = await startTextile();
  });
  afterAll(() => setup.close());

  const identity = newIdentity();
  const cases: Array<[string, () => Promise<{ status: number; body: any }>, string]> = [
    ['missing id', () => call(`${setup.gw.url}/api/textile/token`), 'id'],
    ['garbage id', () => call(`${setup.gw.url}/api/textile/token?id=hello`), 'id'],
    [
      'public key as id',
      () => call(`${setup.gw.url}/api/textile/token?id=${identity.public.toString()}`),
      'id',
    ],
    [
      'truncated ident',
      () => call(`${setup.gw.url}/api/textile/token?ident=${identity.toString().slice(0, -1)}`),
      'ident',
    ],
    [
      'two ids',
      () => call(`${setup.gw.url}/api/textile/token?id=${identity}&id=${identity}`),
      'id',
    ],
    ['missing publicKey', () => postJson(challengeUrl(setup), {}), 'publicKey'],
    [
      'private key as publicKey',
      () => postJson(challengeUrl(setup), { publicKey: identity.toString() }),
      'publicKey',
    ],
    ['numeric publicKey', () => postJson(challengeUrl(setup), { publicKey: 42 }), 'publicKey'],
    [
      'signature not base64',
      () => postJson(tokenUrl(setup), { challengeId: 'x', signature: 'not base64!' }),
      'signature',
    ],
    [
      'signature too short',
      () =>
        postJson(tokenUrl(setup), {
          challengeId: 'x',
          signature: Buffer.alloc(32).toString('base64'),
        }),
      'signature',
    ],
    ['missing signature', () => postJson(tokenUrl(setup), { challengeId: 'x' }), 'signature'],
    [
      'numeric challengeId',
      () =>
        postJson(tokenUrl(setup), {
          challengeId: 7,
          signature: Buffer.alloc(64).toString('base64'),
        }),
      'challengeId',
    ],
    [
      'missing challengeId',
      () => postJson(tokenUrl(setup), { signature: Buffer.alloc(64).toString('base64') }),
      'challengeId',
    ],
  ];

  it.each(cases)('%s', async (_name, request, field) => {
    const answer = await request();
    expect(answer.status).toBe(400);
    expect(answer.body.error).toMatchObject({ code: 'invalid_request', field });
    expect(setup.gw.logs.join('\n')).not.toContain(identity.toString());
  });

  it('says what is wrong, once, without echoing the value', async () => {
    const expectations: Array<[() => Promise<{ body: any }>, string]> = [
      [
        () => call(`${setup.gw.url}/api/textile/token?id=${identity}&id=x`),
        'id must be a Textile private key string (bbaareq…, 110 characters)',
      ],
      [
        () => postJson(challengeUrl(setup), { publicKey: null }),
        'publicKey must be a Textile public key string (bbaarei…, 59 characters)',
      ],
      [() => postJson(tokenUrl(setup), { challengeId: 'x' }), 'signature is required'],
    ];
    for (const [request, message] of expectations) {
      const { body } = await request();
      expect(body.error.message).toBe(message);
    }
  });

  it('answers unknown challenge ids with a clear 400', async () => {
    const answer = await postJson(tokenUrl(setup), {
      challengeId: 'A'.repeat(43),
      signature: Buffer.alloc(64).toString('base64'),
    });
    expect(answer.status).toBe(400);
    expect(answer.body.error.field).toBe('challengeId');
    expect(answer.body.error.message).toMatch(/request a new challenge/);
  });

  it('answers 400 on a plain GET of the WebSocket route', async () => {
    const answer = await call(`${setup.gw.url}/api/textile/token/ws`);
    expect(answer.status).toBe(400);
    expect(answer.body.error.message).toMatch(/WebSocket/);
  });
});

describe('textile: challenges', () => {
  let setup: TextileSetup;
  beforeAll(async () => {
    setup = await startTextile({ TEXTILE_MAX_PENDING: '2', TEXTILE_CHALLENGE_TTL: '20' });
  });
  afterAll(() => setup.close());

  it('answers a signature the hub rejects with 401 and uses the challenge up', async () => {
    const { challengeId, challenge } = await openChallenge(setup);
    const signature = await signBase64(newIdentity(), challenge);
    const answer = await postJson(tokenUrl(setup), { challengeId, signature });
    expect(answer.status).toBe(401);
    expect(answer.body.error.code).toBe('unauthorized');
    expect(answer.headers.get('www-authenticate')).toBeTruthy();
    const again = await postJson(tokenUrl(setup), { challengeId, signature });
    expect(again.status).toBe(400);
  });

  it('refuses an expired challenge id and closes its hub stream', async () => {
    const { identity, challengeId, challenge } = await openChallenge(setup);
    expect(setup.hub.openStreams()).toBe(1);
    setup.clock.advance(20_000);
    const signature = await signBase64(identity, challenge);
    const answer = await postJson(tokenUrl(setup), { challengeId, signature });
    expect(answer.status).toBe(400);
    expect(answer.body.error).toMatchObject({ code: 'invalid_request', field: 'challengeId' });
    expect(answer.body.error.message).toMatch(/expired/);
    expect(await eventually(() => setup.hub.openStreams() === 0)).toBe(true);
  });

  it('accepts a signature just before expiry', async () => {
    const { identity, challengeId, challenge } = await openChallenge(setup);
    setup.clock.advance(19_999);
    const answer = await postJson(tokenUrl(setup), {
      challengeId,
      signature: await signBase64(identity, challenge),
    });
    expect(answer.status).toBe(200);
  });

  it('bounds pending challenges with 503, and frees the place once one is used', async () => {
    const first = await openChallenge(setup);
    await openChallenge(setup);
    const full = await postJson(challengeUrl(setup), {
      publicKey: newIdentity().public.toString(),
    });
    expect(full.status).toBe(503);
    expect(full.body.error.code).toBe('unavailable');
    expect(full.headers.get('retry-after')).toBe('5');
    expect(setup.hub.openStreams()).toBe(2);
    const privateKey = await call(`${setup.gw.url}/api/textile/token?id=${newIdentity()}`);
    expect(privateKey.status).toBe(503);

    const used = await postJson(tokenUrl(setup), {
      challengeId: first.challengeId,
      signature: await signBase64(first.identity, first.challenge),
    });
    expect(used.status).toBe(200);
    await openChallenge(setup);

    // Challenges expired by the clock give their places up when the registry is full.
    setup.clock.advance(20_000);
    await openChallenge(setup);
    await openChallenge(setup);
    expect(await eventually(() => setup.hub.openStreams() === 2)).toBe(true);
  });

  it('closes held hub streams when the gateway closes', async () => {
    const own = await startTextile();
    await openChallenge(own);
    await openChallenge(own);
    expect(own.hub.openStreams()).toBe(2);
    await own.gw.close();
    expect(await eventually(() => own.hub.openStreams() === 0)).toBe(true);
    await own.hub.close();
  });
});

describe('textile: hub failures', () => {
  let setup: TextileSetup;
  beforeAll(async () => {
    setup = await startTextile({ TEXTILE_HUB_TIMEOUT: '1' });
  });
  afterAll(() => setup.close());
  afterEach(() => {
    setup.hub.mode = 'ok';
  });

  const privateKeyFlow = () => call(`${setup.gw.url}/api/textile/token?id=${newIdentity()}`);

  it('answers 502 when the hub is down', async () => {
    const down = await startHubEmulator();
    await down.close();
    const gw = await startGateway({
      definitions: [textileProvider],
      env: {
        TEXTILE_USER_API_KEY: down.apiKey,
        TEXTILE_USER_API_SECRET: down.apiSecret,
        TEXTILE_HUB_URL: down.url,
      },
    });
    try {
      const answer = await call(`${gw.url}/api/textile/token?id=${newIdentity()}`);
      expect(answer.status).toBe(502);
      expect(answer.body.error.code).toBe('upstream_error');
      const opened = await postJson(`${gw.url}/api/textile/token/challenge`, {
        publicKey: newIdentity().public.toString(),
      });
      expect(opened.status).toBe(502);
    } finally {
      await gw.close();
    }
  });

  it('answers 504 when the hub stalls, and cuts the stalled stream', async () => {
    setup.hub.mode = 'stall';
    const answer = await privateKeyFlow();
    expect(answer.status).toBe(504);
    expect(answer.body.error.code).toBe('upstream_timeout');
    const opened = await postJson(challengeUrl(setup), {
      publicKey: newIdentity().public.toString(),
    });
    expect(opened.status).toBe(504);
    expect(await eventually(() => setup.hub.openStreams() === 0)).toBe(true);
  });

  it('answers 504 when the hub stalls after the signature', async () => {
    setup.hub.mode = 'stall-token';
    const { identity, challengeId, challenge } = await openChallenge(setup);
    const answer = await postJson(tokenUrl(setup), {
      challengeId,
      signature: await signBase64(identity, challenge),
    });
    expect(answer.status).toBe(504);
    expect(await eventually(() => setup.hub.openStreams() === 0)).toBe(true);
  });

  it('answers 502 when the hub drops the socket mid-stream', async () => {
    setup.hub.mode = 'drop';
    expect((await privateKeyFlow()).status).toBe(502);
    setup.hub.mode = 'drop-token';
    const { identity, challengeId, challenge } = await openChallenge(setup);
    const answer = await postJson(tokenUrl(setup), {
      challengeId,
      signature: await signBase64(identity, challenge),
    });
    expect(answer.status).toBe(502);
    expect(answer.body.error.code).toBe('upstream_error');
  });

  it('answers 502 "misconfigured" with a loud log line when the hub refuses the API key', async () => {
    setup.hub.mode = 'refuse-key';
    const before = setup.gw.logs.length;
    const answer = await privateKeyFlow();
    expect(answer.status).toBe(502);
    expect(answer.body.error.message).toMatch(/Textile API key is misconfigured/);
    const lines = setup.gw.logs.slice(before);
    expect(lines.some((l) => / ERROR .*REFUSED THE GATEWAY API KEY/.test(l))).toBe(true);
  });

  it('answers 502 "misconfigured" for a wrong API secret, never showing the secret', async () => {
    const wrongSecret = `b${'q'.repeat(52)}`;
    const gw = await startGateway({
      definitions: [textileProvider],
      env: {
        TEXTILE_USER_API_KEY: setup.hub.apiKey,
        TEXTILE_USER_API_SECRET: wrongSecret,
        TEXTILE_HUB_URL: setup.hub.url,
      },
    });
    try {
      const identity = newIdentity();
      const answer = await call(`${gw.url}/api/textile/token?id=${identity}`);
      expect(answer.status).toBe(502);
      expect(answer.body.error.message).toMatch(/misconfigured/);
      const opened = await postJson(`${gw.url}/api/textile/token/challenge`, {
        publicKey: identity.public.toString(),
      });
      expect(opened.status).toBe(502);
      expect(opened.body.error.message).toMatch(/misconfigured/);
      const logs = gw.logs.join('\n');
      expect(logs).toMatch(/Bad API key signature/);
      expect(logs).not.toContain(wrongSecret);
      expect(logs).not.toContain(identity.toString());
    } finally {
      await gw.close();
    }
  });
});

describe('textile: configuration', () => {
  const base = { TEXTILE_USER_API_KEY: 'key', TEXTILE_USER_API_SECRET: 'bsecretvalue' };
  const boot = (env: Record<string, string>) =>
    startGateway({ definitions: [textileProvider], env: { ...base, ...env } });

  it.each([
    ['TEXTILE_CHALLENGE_TTL', '61'],
    ['TEXTILE_USERAUTH_TTL', '-5'],
    ['TEXTILE_MAX_PENDING', '1.5'],
    ['TEXTILE_HUB_TIMEOUT', 'soon'],
    ['TEXTILE_ALLOW_PRIVATE_KEY', 'maybe'],
    ['TEXTILE_HUB_URL', 'ftp://hub.example'],
    ['TEXTILE_USER_API_SECRET', 'secret-not-multibase-19'],
  ])('stops the boot naming %s without echoing its value', async (name, value) => {
    const failure = await boot({ [name]: value }).then(
      () => undefined,
      (error: Error) => error,
    );
    expect(failure?.message).toContain(`textile: ${name}:`);
    expect(failure?.message).not.toContain(value);
  });

  it('accepts the tutorial aliases USER_API_KEY and USER_API_SECRET', async () => {
    const gw = await startGateway({
      definitions: [textileProvider],
      env: {
        USER_API_KEY: 'key',
        USER_API_SECRET: 'bsecretvalue',
        TEXTILE_HUB_URL: 'http://127.0.0.1:9',
      },
    });
    const providers = await call(`${gw.url}/api/providers`);
    await gw.close();
    expect(providers.body.providers.map((p: { id: string }) => p.id)).toEqual(['textile']);
  });

  it('warns once that the default hosted hub was retired', async () => {
    const gw = await boot({});
    await gw.close();
    expect(gw.logs.some((l) => /WARN .*retired/.test(l))).toBe(true);
  });
});
