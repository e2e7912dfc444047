import { PrivateKey } from '@textile/hub';
import { randomBytes } from 'node:crypto';
import { connect, type Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { apiSignature } from '../standins/textile/api-signature';
import {
  eventually,
  jwtClaims,
  jwtVerifies,
  newIdentity,
  startTextile,
  type TextileSetup,
} from './support/textile-fixtures';

/** Everything the server sent, and how it closed. */
interface Conversation {
  messages: any[];
  code: number;
}

/**
 * The login of Textile's browser example (hub-browser-auth-app), with `ws` standing in for
 * the browser's WebSocket: send the public key, sign the challenge, resolve with the token.
 */
function loginWithChallenge(url: string, identity: PrivateKey) {
  return new Promise<{ userAuth: any; conversation: Conversation }>((resolve, reject) => {
    const socket = new WebSocket(url);
    const conversation: Conversation = { messages: [], code: 0 };
    let userAuth: any;
    socket.onopen = () => {
      const publicKey = identity.public.toString();
      socket.send(JSON.stringify({ pubkey: publicKey, type: 'token' }));
      socket.onmessage = async (event) => {
        const data = JSON.parse(event.data.toString());
        conversation.messages.push(data);
        switch (data.type) {
          case 'error':
            reject(new Error(data.value));
            break;
          case 'challenge': {
            const buf = Buffer.from(data.value);
            const signed = await identity.sign(buf);
            socket.send(JSON.stringify({ type: 'challenge', sig: Buffer.from(signed).toJSON() }));
            break;
          }
          case 'token':
            userAuth = data.value;
            break;
        }
      };
    };
    socket.onclose = (event) => {
      conversation.code = event.code;
      if (userAuth) resolve({ userAuth, conversation });
      else reject(new Error(`closed with ${event.code}`));
    };
  });
}

/** Sends `messages` in order (each after the previous answer, or at once) and records the replies. */
function converse(url: string, send: (socket: WebSocket, reply: any) => void) {
  return new Promise<Conversation>((resolve) => {
    const socket = new WebSocket(url);
    const conversation: Conversation = { messages: [], code: 0 };
    socket.on('open', () => send(socket, undefined));
    socket.on('message', (data) => {
      const reply = JSON.parse(data.toString());
      conversation.messages.push(reply);
      send(socket, reply);
    });
    socket.on('error', () => undefined);
    socket.on('close', (code) => {
      conversation.code = code;
      resolve(conversation);
    });
  });
}

/**
 * A bare client that upgrades, sends one short text frame, and then never answers anything —
 * not even the server's close frame. Resolves once the server has sent the challenge.
 */
function sendAndIgnore(httpUrl: string, text: string) {
  const { hostname, port } = new URL(httpUrl);
  const payload = Buffer.from(text);
  const mask = randomBytes(4);
  const frame = Buffer.concat([
    Buffer.from([0x81, 0x80 | payload.length]),
    mask,
    payload.map((byte, i) => byte ^ mask[i % 4]!),
  ]);
  return new Promise<Socket>((resolve, reject) => {
    const socket = connect(Number(port), hostname, () =>
      socket.write(
        'GET /api/textile/token/ws HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\n' +
          'Connection: Upgrade\r\nSec-WebSocket-Version: 13\r\n' +
          `Sec-WebSocket-Key: ${randomBytes(16).toString('base64')}\r\n\r\n`,
      ),
    );
    let received = '';
    let sent = false;
    socket.on('data', (data) => {
      received += data.toString('latin1');
      if (!sent && received.startsWith('HTTP/1.1 101')) {
        sent = true;
        socket.write(frame);
      }
      if (received.includes('"challenge"')) resolve(socket);
    });
    socket.on('error', reject);
  });
}

describe('textile: WebSocket token flow', () => {
  let setup: TextileSetup;
  let wsUrl: string;
  beforeAll(async () => {
    setup = await startTextile({ TEXTILE_CHALLENGE_TTL: '2' });
    wsUrl = `${setup.gw.url.replace(/^http/, 'ws')}/api/textile/token/ws`;
  });
  afterAll(() => setup.close());

  it("serves the browser example's client code unchanged", async () => {
    const identity = newIdentity();
    const { userAuth, conversation } = await loginWithChallenge(wsUrl, identity);
    expect(conversation.messages.map((m) => m.type)).toEqual(['challenge', 'token']);
    expect(conversation.messages[0].value.type).toBe('Buffer');
    expect(conversation.messages[0].value.data).toHaveLength(32);
    expect(conversation.code).toBe(1000);
    expect(Object.keys(userAuth).sort()).toEqual(['key', 'msg', 'sig', 'token']);
    expect(jwtClaims(userAuth.token).sub).toBe(identity.public.toString());
    expect(jwtVerifies(userAuth.token, setup.hub.hubKey)).toBe(true);
    expect(userAuth.key).toBe(setup.hub.apiKey);
    expect(userAuth.sig).toBe(apiSignature(setup.hub.apiSecret, userAuth.msg));
    expect(Date.parse(userAuth.msg)).toBe(setup.clock.now() + 300_000);
    expect(await setup.gw.gateway.metrics.render()).toMatch(
      /tokengate_tokens_issued_total\{provider="textile",type="websocket"\} 1/,
    );
  });

  it('accepts the signature as a base64 string', async () => {
    const identity = newIdentity();
    const conversation = await converse(wsUrl, async (socket, reply) => {
      if (!reply)
        socket.send(JSON.stringify({ type: 'token', pubkey: identity.public.toString() }));
      else if (reply.type === 'challenge') {
        const sig = await identity.sign(Buffer.from(reply.value.data));
        socket.send(
          JSON.stringify({ type: 'challenge', sig: Buffer.from(sig).toString('base64') }),
        );
      }
    });
    expect(conversation.messages.map((m) => m.type)).toEqual(['challenge', 'token']);
    expect(jwtClaims(conversation.messages[1].value.token).sub).toBe(identity.public.toString());
  });

  const refusals: Array<[string, (socket: WebSocket, reply: any) => void, RegExp]> = [
    ['garbage', (s, r) => !r && s.send('{{{ not json'), /not valid JSON/],
    ['a JSON array', (s, r) => !r && s.send('[1,2]'), /JSON object/],
    ['an unknown type', (s, r) => !r && s.send(JSON.stringify({ type: 'hello' })), /type must be/],
    [
      'an oversize message',
      (s, r) => !r && s.send(JSON.stringify({ type: 'token', pubkey: 'x'.repeat(5000) })),
      /limited to 4096 bytes/,
    ],
    [
      'a challenge before the token request',
      (s, r) => !r && s.send(JSON.stringify({ type: 'challenge', sig: 'AAAA' })),
      /unexpected "challenge" message/,
    ],
    [
      'a malformed public key',
      (s, r) => !r && s.send(JSON.stringify({ type: 'token', pubkey: 'bbaareinotakey' })),
      /pubkey must be a Textile public key/,
    ],
    [
      'a second token request',
      (s, r) => {
        const hello = JSON.stringify({ type: 'token', pubkey: newIdentity().public.toString() });
        if (!r) s.send(hello);
        else if (r.type === 'challenge') s.send(hello);
      },
      /unexpected "token" message/,
    ],
    [
      'a malformed signature',
      (s, r) => {
        if (!r) s.send(JSON.stringify({ type: 'token', pubkey: newIdentity().public.toString() }));
        else if (r.type === 'challenge') s.send(JSON.stringify({ type: 'challenge', sig: [1, 2] }));
      },
      /sig must be a 64-byte signature/,
    ],
    [
      'a signature by another key',
      (s, r) => {
        if (!r) s.send(JSON.stringify({ type: 'token', pubkey: newIdentity().public.toString() }));
        else if (r.type === 'challenge') {
          void newIdentity()
            .sign(Buffer.from(r.value.data))
            .then((sig) =>
              s.send(JSON.stringify({ type: 'challenge', sig: Buffer.from(sig).toJSON() })),
            );
        }
      },
      /rejected the signature/,
    ],
  ];

  it.each(refusals)('answers %s with an error message and a close', async (_name, send, text) => {
    const conversation = await converse(wsUrl, send);
    const last = conversation.messages.at(-1);
    expect(last).toMatchObject({ type: 'error' });
    expect(last.value).toMatch(text);
    expect(conversation.code).toBe(1008);
  });

  it('closes a connection whose client never signs, and its hub stream', async () => {
    const conversation = await converse(wsUrl, (s, r) => {
      if (!r) s.send(JSON.stringify({ type: 'token', pubkey: newIdentity().public.toString() }));
    });
    expect(conversation.messages.map((m) => m.type)).toEqual(['challenge', 'error']);
    expect(conversation.messages[1].value).toMatch(/timed out/);
    expect(await eventually(() => setup.hub.openStreams() === 0)).toBe(true);
  });

  it('frees the hub stream at the timeout even if the client never completes the close', async () => {
    const hello = JSON.stringify({ type: 'token', pubkey: newIdentity().public.toString() });
    const socket = await sendAndIgnore(setup.gw.url, hello);
    try {
      expect(setup.hub.openStreams()).toBe(1);
      // The wait is 2 s; ws would only drop a silent peer after its 30 s close timeout.
      expect(await eventually(() => setup.hub.openStreams() === 0, 5_000)).toBe(true);
    } finally {
      socket.destroy();
    }
  });

  it('ends the hub stream when the client goes away mid-flow', async () => {
    await converse(wsUrl, (s, r) => {
      if (!r) s.send(JSON.stringify({ type: 'token', pubkey: newIdentity().public.toString() }));
      else s.terminate();
    });
    expect(await eventually(() => setup.hub.openStreams() === 0)).toBe(true);
  });

  it('refuses upgrades on other textile paths', async () => {
    const conversation = await new Promise<string>((resolve) => {
      const socket = new WebSocket(`${setup.gw.url.replace(/^http/, 'ws')}/api/textile/other`);
      socket.on('error', (error) => resolve(error.message));
    });
    expect(conversation).toMatch(/404/);
  });

  it('keeps serving after all of the above', async () => {
    const { userAuth } = await loginWithChallenge(wsUrl, newIdentity());
    expect(userAuth.token).toBeTruthy();
    expect((await fetch(`${setup.gw.url}/healthz`)).status).toBe(200);
  });
});
