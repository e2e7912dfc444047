import type { AgoraToken } from './agora-types.js';
import { retryUntilDone, type RetryOptions } from './retry.js';

type Listener = () => void;

/**
 * What {@link autoRenew} needs of an SDK object, structurally: `renewToken`, and events by
 * `on`/`off` (AgoraRTC's client, RTM 1.x's client) or by `addEventHandler`/`removeEventHandler`
 * (the Agora Chat connection). `join`, `login` and `open` are used to get back in after the
 * token expired.
 */
export interface RenewableClient {
  renewToken(token: string): unknown;
  on?(event: string, listener: Listener): unknown;
  off?(event: string, listener: Listener): unknown;
  removeListener?(event: string, listener: Listener): unknown;
  addEventHandler?(
    id: string,
    handlers: { onTokenWillExpire: Listener; onTokenExpired: Listener },
  ): unknown;
  removeEventHandler?(id: string): unknown;
  /** AgoraRTC: `join(appId, channel, token, uid or account)`. */
  join?(appId: string, channel: string, token: string, uid: number | string | null): unknown;
  /** Agora RTM: `login({ uid, token })`. */
  login?(options: { uid: string; token: string }): unknown;
  /** Agora Chat: `open({ user, accessToken })`. */
  open?(options: { user: string; accessToken: string }): unknown;
}

/** What happens around each renewal. */
export interface AutoRenewOptions extends RetryOptions {
  /** Called with each token handed to the client; `how` says whether it renewed or rejoined. */
  onRenewed?: (answer: AgoraToken, how: 'renewed' | 'rejoined') => void;
}

/** Events by which the SDKs say the token will expire soon (RTC, RTM 1.x, Chat). */
export const willExpireEvents = [
  'token-privilege-will-expire',
  'TokenPrivilegeWillExpire',
  'onTokenWillExpire',
] as const;

/** Events by which the SDKs say the token has expired (RTC, RTM 1.x, Chat, and aliases). */
export const didExpireEvents = [
  'token-privilege-did-expire',
  'token-did-expire',
  'TokenExpired',
  'TokenPrivilegeDidExpire',
  'onTokenExpired',
] as const;

/** The user an RTM login or a Chat `open` is for. */
const loginUserOf = (answer: AgoraToken): string => {
  if ('rtmUid' in answer && answer.rtmUid !== undefined) return answer.rtmUid;
  if ('uid' in answer && answer.uid !== undefined) return String(answer.uid);
  return 'account' in answer && answer.account !== undefined ? answer.account : '';
};

/** Gets the client back in with a new token: join, else login, else open, else renewToken. */
async function rejoin(
  client: RenewableClient,
  answer: AgoraToken,
  appIdOf: (token: string) => Promise<string>,
) {
  if (client.join && 'channel' in answer) {
    const user = answer.uid ?? answer.account ?? null;
    await client.join(await appIdOf(answer.token), answer.channel, answer.token, user);
  } else if (client.login) {
    await client.login({ uid: loginUserOf(answer), token: answer.token });
  } else if (client.open) {
    await client.open({ user: loginUserOf(answer), accessToken: answer.token });
  } else {
    await client.renewToken(answer.token);
  }
}

let handlerIds = 0;

/**
 * Renews `client`'s token on its will-expire event and rejoins on its did-expire event, each
 * with a freshly minted token, retrying failures with backoff. A new event cancels the work
 * of the previous one. Returns the function that stops listening.
 */
export function autoRenew(
  client: RenewableClient,
  mint: () => Promise<AgoraToken>,
  appIdOf: (token: string) => Promise<string>,
  options: AutoRenewOptions = {},
): () => void {
  let cancelAttempts = () => {};
  const start = (how: 'renewed' | 'rejoined') => {
    cancelAttempts();
    cancelAttempts = retryUntilDone(async (signal) => {
      const answer = await mint();
      if (signal.aborted) return;
      if (how === 'renewed') await client.renewToken(answer.token);
      else await rejoin(client, answer, appIdOf);
      if (!signal.aborted) options.onRenewed?.(answer, how);
    }, options);
  };
  const willExpire = () => start('renewed');
  const didExpire = () => start('rejoined');

  let unsubscribe: () => void;
  if (client.addEventHandler) {
    const id = `tokengate-auto-renew-${++handlerIds}`;
    client.addEventHandler(id, { onTokenWillExpire: willExpire, onTokenExpired: didExpire });
    unsubscribe = () => client.removeEventHandler?.(id);
  } else if (client.on) {
    const subscriptions = [
      ...willExpireEvents.map((event) => [event, willExpire] as const),
      ...didExpireEvents.map((event) => [event, didExpire] as const),
    ];
    subscriptions.forEach(([event, listener]) => client.on!(event, listener));
    unsubscribe = () =>
      subscriptions.forEach(([event, listener]) =>
        (client.off ?? client.removeListener)?.call(client, event, listener),
      );
  } else {
    throw new TypeError(
      'autoRenew needs an object with on(event, fn) or addEventHandler(id, handlers)',
    );
  }
  return () => {
    cancelAttempts();
    unsubscribe();
  };
}
