import type { Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { callerAudience, callerClient } from '../standins/bentley/idps';
import { describeInChromium, launchChromium, type Browser } from './support/browser';
import { installFakeSdk } from './support/browser-fake-sdk';
import { buildClient, openClientPage, type Traffic } from './support/browser-page';
import { startDemoProcess, type DemoProcess } from './support/demo-process';
import { call, postJson } from './support/gateway';

describeInChromium('the browser client in Chromium, against npm run demo', () => {
  let demo: DemoProcess;
  let browser: Browser;
  let page: Page;
  let traffic: Traffic;

  beforeAll(async () => {
    buildClient();
    [demo, browser] = await Promise.all([startDemoProcess(), launchChromium()]);
    ({ page, traffic } = await openClientPage(browser.context, demo.url));
    await installFakeSdk(page);
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await demo?.close();
  });

  const inspect = async (token: string) =>
    (await postJson(`${demo.url}/api/agora/inspect`, { token })).body;

  it('is served at /client.js as JavaScript the page imports', async () => {
    const served = await call(`${demo.url}/client.js`);
    expect(served.status).toBe(200);
    expect(served.headers.get('content-type')).toMatch(/^text\/javascript/);
    const exported = await page.evaluate(() => Object.keys((globalThis as any).tokengate).sort());
    expect(exported).toEqual([
      'TokengateError',
      'createAgora',
      'createBentley',
      'createKinto',
      'createTextile',
      'createTokengate',
      'didExpireEvents',
      'keepFresh',
      'willExpireEvents',
    ]);
  });

  it('mints every Agora token kind and answers the gateway’s fields', async () => {
    const answers = await page.evaluate(async () => {
      const { agora } = (globalThis as any).tokengate.createTokengate({ baseUrl: '' });
      return {
        rtc: await agora.rtc({ channel: 'demo', uid: 42, expiry: 600 }),
        rtm: await agora.rtm({ uid: 'alice' }),
        rte: await agora.rte({ channel: 'demo', uid: 42, rtmUid: 'alice' }),
        chat: await agora.chat({ uid: 'alice' }),
        convoai: await agora.convoai({ channel: 'demo', uid: 1001 }),
        byType: await agora.token({
          type: 'rtc',
          channel: 'stage',
          account: 'bob',
          role: 'subscriber',
        }),
      };
    });
    expect(answers.rtc).toMatchObject({
      type: 'rtc',
      channel: 'demo',
      uid: 42,
      role: 'publisher',
      expiresIn: 600,
    });
    expect(answers.rtm).toMatchObject({ type: 'rtm', uid: 'alice' });
    expect(answers.rte).toMatchObject({ type: 'rte', channel: 'demo', uid: 42, rtmUid: 'alice' });
    expect(answers.chat).toMatchObject({ type: 'chat', uid: 'alice' });
    expect(answers.convoai).toMatchObject({
      type: 'convoai',
      channel: 'demo',
      uid: 1001,
      rtmUid: '1001',
    });
    expect(answers.convoai.authorization).toBe(`agora token=${answers.convoai.token}`);
    expect(answers.byType).toMatchObject({
      type: 'rtc',
      channel: 'stage',
      account: 'bob',
      role: 'subscriber',
    });
    for (const answer of Object.values(answers)) {
      expect(answer.token).toMatch(/^007/);
      expect(Date.parse(answer.expiresAt)).toBeGreaterThan(Date.now());
      expect((await inspect(answer.token)).signature).toBe('valid');
    }
  });

  it('inspects and diagnoses tokens', async () => {
    const { inspected, diagnosis } = await page.evaluate(async () => {
      const agora = (globalThis as any).tokengate.createAgora({ baseUrl: '' });
      const { token } = await agora.rtm({ uid: 'alice', expiry: 120 });
      return {
        inspected: await agora.inspect({ token }),
        diagnosis: await agora.diagnose({ token, service: 'rtc', channel: 'demo', uid: 1 }),
      };
    });
    expect(inspected).toMatchObject({ version: '007', signature: 'valid', expire: 120 });
    expect(inspected.appId).toBe(demo.shown('AGORA_APP_ID'));
    expect(inspected.services.map((s: { name: string }) => s.name)).toEqual(['rtm']);
    expect(diagnosis.ok).toBe(false);
    expect(diagnosis.findings.map((f: { code: string }) => f.code)).toContain('service_missing');
  });

  it('fails with a TokengateError carrying code, status, field and request id', async () => {
    const [response, failure] = await Promise.all([
      page.waitForResponse((r) => r.url().endsWith('/api/agora/rtc')),
      page.evaluate(async () => {
        const { createAgora, TokengateError } = (globalThis as any).tokengate;
        try {
          await createAgora({ baseUrl: '' }).rtc({ channel: 'demo', uid: -1 });
        } catch (error: any) {
          const { name, code, status, field, requestId, message } = error;
          return {
            isTokengateError: error instanceof TokengateError,
            name,
            code,
            status,
            field,
            requestId,
            message,
          };
        }
      }),
    ]);
    expect(failure).toMatchObject({
      isTokengateError: true,
      name: 'TokengateError',
      code: 'invalid_request',
      status: 400,
      field: 'uid',
    });
    expect(failure!.requestId).toBe(response.headers()['x-request-id']);
    const unreachable = await page.evaluate(async () => {
      try {
        await (globalThis as any).tokengate
          .createAgora({ baseUrl: 'http://127.0.0.1:9' })
          .rtm({ uid: 'a' });
      } catch (error: any) {
        return { code: error.code, status: error.status };
      }
    });
    expect(unreachable).toEqual({ code: 'network_error', status: 0 });
  });

  it('autoRenew renews an RTC client on will-expire and rejoins it on did-expire', async () => {
    const result = await page.evaluate(async () => {
      const g = globalThis as any;
      const agora = g.tokengate.createAgora({ baseUrl: '' });
      const request = { type: 'rtc', channel: 'stage', uid: 7, expiry: 60 };
      const joined = await agora.token(request);
      const client = g.fakeSdkClient({ rejoinWith: 'join' });
      const told: string[] = [];
      const stop = agora.autoRenew(client, request, {
        onRenewed: (_a: unknown, how: string) => told.push(how),
      });
      client.emit('token-privilege-will-expire');
      await client.waitFor('renewToken', 1);
      client.emit('token-privilege-did-expire');
      await client.waitFor('rejoin', 1);
      stop();
      client.emit('token-privilege-will-expire');
      await new Promise((resolve) => setTimeout(resolve, 300));
      return { first: joined.token, calls: client.calls, told };
    });
    const [renewed] = result.calls.renewToken as string[];
    expect(result.calls.renewToken).toHaveLength(1);
    expect(renewed).not.toBe(result.first);
    const services = (await inspect(renewed!)).services;
    expect(services[0]).toMatchObject({ name: 'rtc', channel: 'stage', uid: '7' });
    const [[appId, channel, token, uid]] = result.calls.rejoin as unknown[][];
    expect([appId, channel, uid]).toEqual([demo.shown('AGORA_APP_ID'), 'stage', 7]);
    expect(token).not.toBe(renewed);
    expect((await inspect(token as string)).signature).toBe('valid');
    expect(result.told).toEqual(['renewed', 'rejoined']);
    expect(result.calls.removed).toContain('token-privilege-will-expire');
  });

  it('autoRenew follows RTM’s events and login, and Chat’s handlers and open', async () => {
    const result = await page.evaluate(async () => {
      const g = globalThis as any;
      const agora = g.tokengate.createAgora({ baseUrl: '' });
      const rtm = g.fakeSdkClient({ rejoinWith: 'login' });
      const stopRtm = agora.autoRenew(rtm, { type: 'rtm', uid: 'alice' });
      rtm.emit('TokenPrivilegeWillExpire');
      await rtm.waitFor('renewToken', 1);
      rtm.emit('TokenExpired');
      await rtm.waitFor('rejoin', 1);
      stopRtm();
      const chat = g.fakeSdkClient({ handlers: true, rejoinWith: 'open' });
      const stopChat = agora.autoRenew(chat, { type: 'chat', uid: 'bob' });
      chat.emit('onTokenWillExpire');
      await chat.waitFor('renewToken', 1);
      chat.emit('onTokenExpired');
      await chat.waitFor('rejoin', 1);
      stopChat();
      return { rtm: rtm.calls, chat: chat.calls };
    });
    const [[login]] = result.rtm.rejoin as Array<[{ uid: string; token: string }]>;
    expect(login!.uid).toBe('alice');
    expect((await inspect(login!.token)).services[0]).toMatchObject({ name: 'rtm', user: 'alice' });
    expect(result.rtm.renewToken[0]).not.toBe(login!.token);
    const [[open]] = result.chat.rejoin as Array<[{ user: string; accessToken: string }]>;
    expect(open!.user).toBe('bob');
    expect((await inspect(open!.accessToken)).services[0]).toMatchObject({
      name: 'chat',
      user: 'bob',
    });
    expect((await inspect(result.chat.renewToken[0] as string)).services[0].name).toBe('chat');
    expect(result.chat.removed).toHaveLength(1);
  });

  it('autoRenew retries a failed renewal with backoff and gives up on a bad request', async () => {
    const result = await page.evaluate(async () => {
      const g = globalThis as any;
      const agora = g.tokengate.createAgora({ baseUrl: '' });
      const flaky = g.fakeSdkClient({ rejoinWith: 'join', failRenewals: 2 });
      const retries: boolean[] = [];
      const started = Date.now();
      const stop = agora.autoRenew(
        flaky,
        { type: 'rtm', uid: 'carol' },
        {
          firstDelayMs: 100,
          onError: (_e: unknown, willRetry: boolean) => retries.push(willRetry),
        },
      );
      flaky.emit('token-privilege-will-expire');
      await flaky.waitFor('renewToken', 3);
      const elapsed = Date.now() - started;
      stop();
      const broken = g.fakeSdkClient({ rejoinWith: 'join' });
      const final: Array<{ code: string; willRetry: boolean }> = [];
      const stopBroken = agora.autoRenew(
        broken,
        { type: 'rtc', channel: '' },
        {
          firstDelayMs: 50,
          onError: (e: any, willRetry: boolean) => final.push({ code: e.code, willRetry }),
        },
      );
      broken.emit('token-privilege-will-expire');
      await new Promise((resolve) => setTimeout(resolve, 400));
      stopBroken();
      return {
        tokens: flaky.calls.renewToken,
        retries,
        elapsed,
        final,
        brokenCalls: broken.calls.renewToken,
      };
    });
    expect(result.retries).toEqual([true, true]);
    expect(new Set(result.tokens).size).toBe(3);
    // 100 ms, then 200 ms: the delay doubles.
    expect(result.elapsed).toBeGreaterThanOrEqual(300);
    expect(result.final).toEqual([{ code: 'invalid_request', willRetry: false }]);
    expect(result.brokenCalls).toEqual([]);
  });

  it('keepFresh fetches again `before` seconds ahead of expiry until stopped', async () => {
    const result = await page.evaluate(async () => {
      const g = globalThis as any;
      const agora = g.tokengate.createAgora({ baseUrl: '' });
      const tokens: string[] = [];
      const stop = g.tokengate.keepFresh(
        async () => {
          const answer = await agora.rtm({ uid: 'dave', expiry: 31 });
          tokens.push(answer.token);
          return answer;
        },
        { before: 30 },
      );
      const started = Date.now();
      while (tokens.length < 3) await new Promise((resolve) => setTimeout(resolve, 20));
      const elapsed = Date.now() - started;
      stop();
      const stoppedAt = tokens.length;
      await new Promise((resolve) => setTimeout(resolve, 1500));
      return { elapsed, stoppedAt, after: tokens.length, distinct: new Set(tokens).size };
    });
    // 31 s tokens, renewed 30 s ahead: one a second.
    expect(result.elapsed).toBeGreaterThanOrEqual(1_900);
    expect(result.elapsed).toBeLessThan(8_000);
    expect(result.after).toBe(result.stoppedAt);
    expect(result.distinct).toBe(result.after);
  });

  it('textile.userAuth signs the challenge in the page, over HTTP and WebSocket', async () => {
    const sentBefore = (await traffic.requests()).length;
    const framesBefore = traffic.frames.length;
    const result = await page.evaluate(async () => {
      const g = globalThis as any;
      const textile = g.tokengate.createTextile({ baseUrl: '' });
      const identity = g.PrivateKey.fromRandom();
      const refusal = async (via: string) => {
        const forger = { public: identity.public, sign: () => new Uint8Array(64) };
        try {
          await textile.userAuth(forger, { via });
        } catch (error: any) {
          return { code: error.code, status: error.status };
        }
      };
      return {
        privateKey: identity.toString(),
        seed: btoa(String.fromCharCode(...identity.seed)),
        publicKey: identity.public.toString(),
        http: await textile.userAuth(identity),
        websocket: await textile.userAuth(identity, { via: 'websocket' }),
        forgedHttp: await refusal('http'),
        forgedWebSocket: await refusal('websocket'),
      };
    });
    // The hub's token names the identity that proved itself, whichever flow it used.
    for (const auth of [result.http, result.websocket]) {
      expect(Object.keys(auth).sort()).toEqual(['key', 'msg', 'sig', 'token']);
      expect(Date.parse(auth.msg)).toBeGreaterThan(Date.now());
      const claims = JSON.parse(Buffer.from(auth.token.split('.')[1], 'base64url').toString());
      expect(claims.sub).toBe(result.publicKey);
    }
    expect(result.forgedHttp).toEqual({ code: 'unauthorized', status: 401 });
    expect(result.forgedWebSocket).toMatchObject({ code: 'invalid_request' });

    const sent = (await traffic.requests()).slice(sentBefore);
    const frames = traffic.frames.slice(framesBefore);
    const everything = [
      ...sent.map((r) => `${r.url} ${JSON.stringify(r.headers)} ${r.body ?? ''}`),
      ...frames,
    ].join('\n');
    // The public key did travel (so this looked at the right traffic); the private one never.
    expect(sent.some((r) => r.body?.includes(result.publicKey))).toBe(true);
    expect(frames.some((f) => f.includes(result.publicKey))).toBe(true);
    expect(everything).not.toContain(result.privateKey);
    expect(everything).not.toContain(result.seed);
    expect(everything).not.toContain(Buffer.from(result.seed, 'base64').toString('hex'));
  });

  it('kinto.connect adds Kinto-Authorization and signs in again after DELETE /session', async () => {
    const secret = demo.shown('clientSecret');
    const before = (await traffic.requests()).length;
    const first = await page.evaluate(async (clientSecret) => {
      const g = globalThis as any;
      const kinto = g.tokengate.createKinto({ baseUrl: '' });
      const wrong = await kinto
        .connect({ clientId: 'demo-app', clientSecret: 'wrong' })
        .catch((e: any) => e.code);
      g.connection = await kinto.connect({ clientId: 'demo-app', clientSecret });
      const notLoggedIn = await g.connection.fetch('articles', '/articles');
      const login = await g.connection.fetch('auth', '/login', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ username: 'ada' }),
      });
      const articles = await (await g.connection.fetch('articles', 'articles')).json();
      return {
        wrong,
        notLoggedIn: notLoggedIn.status,
        login: login.status,
        reader: articles.reader,
        session: await g.connection.session(),
      };
    }, secret);
    expect(first).toMatchObject({ wrong: 'unauthorized', notLoggedIn: 401, login: 200 });
    expect(first.reader).toMatchObject({ username: 'ada' });
    expect(first.session).toMatchObject({ clientId: 'demo-app', data: { 'auth-username': 'ada' } });

    const sent = (await traffic.requests()).slice(before);
    const signIns = () =>
      sent.filter((r) => r.method === 'POST' && r.url.endsWith('/api/kinto/token'));
    // The wrong secret and the real one; the 401 for a missing session field did not sign in again.
    expect(signIns()).toHaveLength(2);
    const held = sent.map((r) => r.headers['kinto-authorization']).filter(Boolean);
    expect(new Set(held).size).toBe(1);
    expect(sent.every((r) => !r.body?.includes(secret) || r.url.endsWith('/api/kinto/token'))).toBe(
      true,
    );

    const ended = await call(`${demo.url}/api/kinto/session`, {
      method: 'DELETE',
      headers: { 'kinto-authorization': held[0]! },
    });
    expect(ended.status).toBe(204);

    const again = await page.evaluate(async () => {
      const { connection } = globalThis as any;
      const login = await connection.fetch('auth', '/login', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ username: 'ada' }),
      });
      const session = await connection.session();
      await connection.logout();
      const afterLogout = await connection.session().catch((e: any) => e.code);
      return { login: login.status, session, afterLogout };
    });
    expect(again).toMatchObject({ login: 200, afterLogout: 'logged_out' });
    expect(again.session.data['auth-username']).toBe('ada');
    sent.push(...(await traffic.requests()).slice(before + sent.length));
    expect(signIns()).toHaveLength(3);
    const newToken = sent.at(-1)!.headers['kinto-authorization']!;
    expect(newToken).not.toBe(held[0]);
    const afterLogout = await call(`${demo.url}/api/kinto/session`, {
      headers: { 'kinto-authorization': newToken },
    });
    expect(afterLogout.status).toBe(401);
  });

  it('sends callerToken() as the bearer to Bentley and Agora’s minting routes', async () => {
    const issuer = /caller IdP (http:\/\/\S+)/.exec(demo.banner)![1]!;
    const granted = await fetch(`${issuer}/token`, {
      method: 'POST',
      headers: {
        authorization: `Basic ${Buffer.from(`${callerClient.id}:${callerClient.secret}`).toString('base64')}`,
        'content-type': 'application/x-www-form-urlencoded',
      },
      body: new URLSearchParams({
        grant_type: 'client_credentials',
        scope: 'app',
        resource: callerAudience,
      }),
    });
    const callerJwt = ((await granted.json()) as { access_token: string }).access_token;
    expect(callerJwt).toBeTruthy();
    const before = (await traffic.requests()).length;
    const result = await page.evaluate(async (jwt) => {
      const { createTokengate } = (globalThis as any).tokengate;
      const withCaller = createTokengate({ baseUrl: '', callerToken: async () => jwt });
      const anonymous = createTokengate({ baseUrl: '' });
      const failing = createTokengate({
        baseUrl: '',
        callerToken: async () => {
          throw new Error('signed out');
        },
      });
      const rtc = await withCaller.agora.rtc({ channel: 'demo', uid: 5 });
      await withCaller.agora.inspect({ token: rtc.token });
      return {
        bentley: await withCaller.bentley.token(),
        anonymous: await anonymous.bentley.token().catch((e: any) => [e.code, e.status]),
        failing: await failing.bentley.token().catch((e: any) => [e.code, e.message]),
      };
    }, callerJwt);
    expect(result.bentley).toMatchObject({ tokenType: 'Bearer', scope: 'itwin-platform' });
    expect(result.bentley.token).toBeTruthy();
    expect(result.anonymous).toEqual(['unauthorized', 401]);
    expect(result.failing).toEqual(['caller_token', 'callerToken() failed: signed out']);
    const sent = (await traffic.requests()).slice(before);
    const authorizationOf = (path: string) =>
      sent.find((r) => new URL(r.url).pathname === path)?.headers.authorization;
    expect(authorizationOf('/api/agora/rtc')).toBe(`Bearer ${callerJwt}`);
    expect(authorizationOf('/api/bentley/token')).toBe(`Bearer ${callerJwt}`);
    expect(authorizationOf('/api/agora/inspect')).toBeUndefined();
  });
});
