import { errorFromResponse, TokengateError } from './errors.js';
import { createHttp, type TokengateOptions } from './http.js';

/** A registered client's id and secret. */
export interface KintoCredentials {
  clientId: string;
  clientSecret: string;
}

/** `GET /api/kinto/session`: the session and the fields its services wrote into it. */
export interface KintoSession {
  clientId: string;
  createdAt: string;
  lastUsedAt: string;
  expiresAt: string;
  expiresIn: number;
  data: Record<string, string>;
}

/** A signed-in Kinto session; the session token stays inside. */
export interface KintoConnection {
  /**
   * Calls `path` of `service` through the gateway with the session, like `fetch`: it resolves
   * with the service's response whatever its status. When the session has ended (a 401 and
   * `GET /session` says so), it signs in again once and repeats the call, so `init.body` must
   * be re-sendable (a string, `Blob`, `FormData`… not a stream).
   */
  fetch(service: string, path: string, init?: RequestInit): Promise<Response>;
  /** The session as the gateway holds it; signs in again once when it has ended. */
  session(): Promise<KintoSession>;
  /** Ends the session; later calls fail with `logged_out`. */
  logout(): Promise<void>;
}

/** KintoHub-style sessions in front of microservices. */
export interface KintoClient {
  /** Signs in (`POST /api/kinto/token`); a wrong id or secret rejects with `unauthorized`. */
  connect(credentials: KintoCredentials): Promise<KintoConnection>;
}

const sessionPath = '/api/kinto/session';

export function createKinto(options: TokengateOptions): KintoClient {
  const http = createHttp(options);
  return {
    async connect(credentials) {
      const signIn = async () =>
        (
          await http.json<{ token: string }>({
            method: 'POST',
            path: '/api/kinto/token',
            body: credentials,
          })
        ).token;
      let token = signIn();
      await token;
      let loggedOut = false;

      const current = () => {
        if (loggedOut) throw new TokengateError('logged_out', 'this Kinto connection logged out');
        // A failed sign-in is tried again by the next call rather than kept forever.
        return token.catch(() => (token = signIn()));
      };
      /** Signs in again unless another call already replaced the `ended` token. */
      const replace = (ended: string) => {
        token = token.then((held) => (held === ended ? signIn() : held));
        return token;
      };
      const send = (path: string, held: string, init: RequestInit = {}) => {
        const headers = new Headers(init.headers);
        headers.set('kinto-authorization', `Bearer ${held}`);
        return http.send(path, { ...init, headers });
      };
      const sessionEnded = async (held: string) => (await send(sessionPath, held)).status === 401;

      /** Sends with the session; on a 401 that `ended` confirms, once more with a new one. */
      const withSession = async (
        path: string,
        init: RequestInit | undefined,
        ended: (held: string) => Promise<boolean>,
      ) => {
        const held = await current();
        const response = await send(path, held, init);
        if (response.status !== 401 || !(await ended(held))) return response;
        return send(path, await replace(held), init);
      };

      return {
        fetch(service, path, init) {
          const below = path.startsWith('/') ? path : `/${path}`;
          return withSession(
            `/api/kinto/services/${encodeURIComponent(service)}${below}`,
            init,
            sessionEnded,
          );
        },
        async session() {
          // A 401 here is the session itself having ended: no need to ask again.
          const response = await withSession(sessionPath, undefined, async () => true);
          if (!response.ok) throw await errorFromResponse(response);
          return (await response.json()) as KintoSession;
        },
        async logout() {
          const held = await current();
          loggedOut = true;
          const response = await send(sessionPath, held, { method: 'DELETE' });
          // 401: it had ended already, which is what logging out asks for.
          if (!response.ok && response.status !== 401) throw await errorFromResponse(response);
        },
      };
    },
  };
}
