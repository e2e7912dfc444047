import { fromBase64, toBase64 } from './base64.js';
import { reasonOf, TokengateError } from './errors.js';
import { createHttp, type GatewayHttp, type TokengateOptions } from './http.js';

/**
 * A Textile identity as `@textile/hub`'s `PrivateKey` is one: the public key's string and a
 * signer. The private key stays in it; only the public key and signatures are sent.
 */
export interface TextileIdentity {
  public: { toString(): string };
  sign(data: Uint8Array): Promise<Uint8Array> | Uint8Array;
}

/** What `Client.withUserAuth` takes: the API key, its signature of `msg` (the expiry), the user's token. */
export interface UserAuth {
  key: string;
  sig: string;
  msg: string;
  token: string;
}

/** How the challenge travels: two HTTP calls (default) or one WebSocket. */
export interface UserAuthOptions {
  via?: 'http' | 'websocket';
}

/** Textile Hub user tokens by identity challenge. */
export interface TextileClient {
  /**
   * Signs the hub's challenge with `identity` and returns the user auth; pass the call itself to
   * `Client.withUserAuth(() => textile.userAuth(identity))` so the hub client renews it.
   */
  userAuth(identity: TextileIdentity, options?: UserAuthOptions): Promise<UserAuth>;
}

async function overHttp(http: GatewayHttp, identity: TextileIdentity): Promise<UserAuth> {
  const { challengeId, challenge } = await http.json<{ challengeId: string; challenge: string }>({
    method: 'POST',
    path: '/api/textile/token/challenge',
    body: { publicKey: identity.public.toString() },
  });
  const signature = toBase64(await identity.sign(fromBase64(challenge)));
  const answer = await http.json<{ userAuth: UserAuth }>({
    method: 'POST',
    path: '/api/textile/token',
    body: { challengeId, signature },
  });
  return answer.userAuth;
}

type ServerMessage =
  | { type: 'challenge'; value: { data: number[] } }
  | { type: 'token'; value: UserAuth }
  | { type: 'error'; value: string };

/** The protocol of Textile's browser example: token → challenge → signed challenge → token. */
function overWebSocket(http: GatewayHttp, identity: TextileIdentity): Promise<UserAuth> {
  const url = http.url('/api/textile/token/ws');
  url.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:';
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(url);
    let settled = false;
    let refusal: string | undefined;
    const fail = (error: TokengateError) => {
      settled = true;
      reject(error);
      socket.close();
    };
    socket.onopen = () =>
      socket.send(JSON.stringify({ type: 'token', pubkey: identity.public.toString() }));
    socket.onmessage = async (event) => {
      let message: ServerMessage;
      try {
        message = JSON.parse(String(event.data)) as ServerMessage;
      } catch {
        return fail(new TokengateError('invalid_response', 'the token socket sent invalid JSON'));
      }
      if (message.type === 'error') refusal = message.value;
      else if (message.type === 'token') {
        settled = true;
        resolve(message.value);
      } else if (message.type === 'challenge') {
        try {
          const signature = await identity.sign(Uint8Array.from(message.value.data));
          socket.send(JSON.stringify({ type: 'challenge', sig: toBase64(signature) }));
        } catch (error) {
          fail(new TokengateError('invalid_request', `identity.sign failed: ${reasonOf(error)}`));
        }
      }
    };
    socket.onclose = (event) => {
      if (settled) return;
      // 1008 is the gateway refusing this client's messages; anything else is on its side.
      const code = event.code === 1008 ? 'invalid_request' : 'upstream_error';
      reject(new TokengateError(code, refusal ?? `the token socket closed (${event.code})`));
    };
  });
}

export function createTextile(options: TokengateOptions): TextileClient {
  const http = createHttp(options);
  return {
    userAuth: (identity, { via = 'http' } = {}) =>
      via === 'websocket' ? overWebSocket(http, identity) : overHttp(http, identity),
  };
}
