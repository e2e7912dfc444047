import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, postJson } from './support/gateway';
import { apiSignature } from '../standins/textile/api-signature';
import {
  jwtClaims,
  jwtVerifies,
  newIdentity,
  signBase64,
  startTextile,
  type TextileSetup,
} from './support/textile-fixtures';

describe('textile: token flows against the hub emulator', () => {
  let setup: TextileSetup;
  beforeAll(async () => {
    // Debug level: secrets must stay out of every line, not only the default ones.
    setup = await startTextile({ LOG_LEVEL: 'debug' });
  });
  afterAll(() => setup.close());

  const expectValidAnswer = (body: any, publicKey: string) => {
    const { hub, clock } = setup;
    expect(body.identity).toBe(publicKey);
    const claims = jwtClaims(body.token);
    expect(claims.sub).toBe(publicKey);
    expect(claims.iss).toBe(hub.hubKey.toString());
    expect(jwtVerifies(body.token, hub.hubKey)).toBe(true);
    expect(body.userAuth.key).toBe(hub.apiKey);
    expect(body.userAuth.token).toBe(body.token);
    expect(body.userAuth.sig).toBe(apiSignature(hub.apiSecret, body.userAuth.msg));
    expect(body.expiresIn).toBe(300);
    expect(body.userAuth.msg).toBe(body.expiresAt);
    expect(Date.parse(body.expiresAt)).toBe(clock.now() + 300_000);
  };

  it('issues a token for a private key, the tutorial flow, without logging the key', async () => {
    const identity = newIdentity();
    const secretKey = identity.toString();
    const answer = await call(`${setup.gw.url}/api/textile/token?id=${secretKey}`);
    expect(answer.status).toBe(200);
    expect(answer.headers.get('cache-control')).toBe('no-store');
    expect(answer.headers.get('pragma')).toBe('no-cache');
    expectValidAnswer(answer.body, identity.public.toString());
    expect(setup.gw.logs.some((line) => line.includes('/api/textile/token'))).toBe(true);
    expect(setup.gw.logs.join('\n')).not.toContain(secretKey);
    expect(setup.gw.logs.join('\n')).not.toContain(setup.hub.apiSecret);
    expect(JSON.stringify(answer.body)).not.toContain(setup.hub.apiSecret);
  });

  it('accepts ident as an alias of id, also next to an empty id', async () => {
    const identity = newIdentity();
    const answer = await call(`${setup.gw.url}/api/textile/token?ident=${identity.toString()}`);
    expect(answer.status).toBe(200);
    expectValidAnswer(answer.body, identity.public.toString());
    const form = await call(`${setup.gw.url}/api/textile/token?id=&ident=${identity.toString()}`);
    expect(form.status).toBe(200);
    expectValidAnswer(form.body, identity.public.toString());
  });

  it('issues a token by the two-step HTTP challenge; the challenge is single-use', async () => {
    const identity = newIdentity();
    const publicKey = identity.public.toString();
    const opened = await postJson(`${setup.gw.url}/api/textile/token/challenge`, { publicKey });
    expect(opened.status).toBe(200);
    const { challengeId, challenge, expiresAt } = opened.body;
    expect(challengeId).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(Buffer.from(challenge, 'base64')).toHaveLength(32);
    expect(Date.parse(expiresAt)).toBe(setup.clock.now() + 30_000);
    expect(setup.hub.openStreams()).toBe(1);

    const signature = await signBase64(identity, challenge);
    const answer = await postJson(`${setup.gw.url}/api/textile/token`, { challengeId, signature });
    expect(answer.status).toBe(200);
    expect(answer.headers.get('cache-control')).toBe('no-store');
    expectValidAnswer(answer.body, publicKey);

    const replay = await postJson(`${setup.gw.url}/api/textile/token`, { challengeId, signature });
    expect(replay.status).toBe(400);
    expect(replay.body.error).toMatchObject({ code: 'invalid_request', field: 'challengeId' });
    expect(replay.body.error.message).toMatch(/unknown, already used or expired/);
  });

  it('gives each challenge its own id and bytes', async () => {
    const publicKey = newIdentity().public.toString();
    const url = `${setup.gw.url}/api/textile/token/challenge`;
    const [a, b] = await Promise.all([postJson(url, { publicKey }), postJson(url, { publicKey })]);
    expect(a.body.challengeId).not.toBe(b.body.challengeId);
    expect(a.body.challenge).not.toBe(b.body.challenge);
  });

  it('counts issued tokens by flow', async () => {
    const metrics = await setup.gw.gateway.metrics.render();
    expect(metrics).toMatch(
      /tokengate_tokens_issued_total\{provider="textile",type="private_key"\} 3/,
    );
    expect(metrics).toMatch(
      /tokengate_tokens_issued_total\{provider="textile",type="challenge"\} 1/,
    );
  });
});

describe('textile: TEXTILE_USERAUTH_TTL', () => {
  let setup: TextileSetup;
  beforeAll(async () => {
    setup = await startTextile({ TEXTILE_USERAUTH_TTL: '60' });
  });
  afterAll(() => setup.close());

  it('sets how long the userAuth signature is valid', async () => {
    const answer = await call(`${setup.gw.url}/api/textile/token?id=${newIdentity()}`);
    expect(answer.status).toBe(200);
    expect(answer.body.expiresIn).toBe(60);
    expect(Date.parse(answer.body.expiresAt)).toBe(setup.clock.now() + 60_000);
    expect(answer.body.userAuth.msg).toBe(answer.body.expiresAt);
    const { sig, msg } = answer.body.userAuth;
    expect(sig).toBe(apiSignature(setup.hub.apiSecret, msg));
  });
});

describe('textile: TEXTILE_ALLOW_PRIVATE_KEY=false', () => {
  let setup: TextileSetup;
  beforeAll(async () => {
    setup = await startTextile({ TEXTILE_ALLOW_PRIVATE_KEY: 'false' });
  });
  afterAll(() => setup.close());

  it('refuses the private-key flow with 403 pointing at the challenge flow', async () => {
    const identity = newIdentity();
    const answer = await call(`${setup.gw.url}/api/textile/token?id=${identity.toString()}`);
    expect(answer.status).toBe(403);
    expect(answer.body.error.code).toBe('forbidden');
    expect(answer.body.error.message).toMatch(/\/api\/textile\/token\/challenge/);
    expect(setup.hub.tokensIssued()).toBe(0);
    expect(setup.gw.logs.join('\n')).not.toContain(identity.toString());
  });

  it('still serves the challenge flow', async () => {
    const identity = newIdentity();
    const opened = await postJson(`${setup.gw.url}/api/textile/token/challenge`, {
      publicKey: identity.public.toString(),
    });
    const signature = await signBase64(identity, opened.body.challenge);
    const answer = await postJson(`${setup.gw.url}/api/textile/token`, {
      challengeId: opened.body.challengeId,
      signature,
    });
    expect(answer.status).toBe(200);
    expect(jwtClaims(answer.body.token).sub).toBe(identity.public.toString());
  });
});
