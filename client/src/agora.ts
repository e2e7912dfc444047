import type {
  AgoraTokenKinds,
  AgoraTokenOf,
  AgoraTokenRequest,
  AgoraTokenType,
  Diagnosis,
  DiagnoseRequest,
  InspectedToken,
  InspectRequest,
} from './agora-types.js';
import { autoRenew, type AutoRenewOptions, type RenewableClient } from './auto-renew.js';
import { createHttp, type TokengateOptions } from './http.js';

type Mint<K extends AgoraTokenType> = (
  request: AgoraTokenKinds[K]['request'],
) => Promise<AgoraTokenKinds[K]['answer']>;

/** Agora's routes: one method per token kind, `token` by `type`, inspect, diagnose, renewal. */
export interface AgoraClient {
  rtc: Mint<'rtc'>;
  rtm: Mint<'rtm'>;
  rte: Mint<'rte'>;
  chat: Mint<'chat'>;
  convoai: Mint<'convoai'>;
  /** `POST /api/agora/token`: the kind named by `request.type`. */
  token<R extends AgoraTokenRequest>(request: R): Promise<AgoraTokenOf<R>>;
  /** Decodes a token and checks its signature against the gateway's certificate. */
  inspect(request: InspectRequest): Promise<InspectedToken>;
  /** Says why Agora would refuse a token for what the client is about to do. */
  diagnose(request: DiagnoseRequest): Promise<Diagnosis>;
  /**
   * Keeps an SDK client's token fresh: on will-expire it mints `request` again and calls
   * `renewToken`; on did-expire it mints and calls `join(appId, channel, token, uid)` (the app
   * id read from the new token), else `login({ uid, token })`, else `open({ user, accessToken })`.
   * Returns the function that stops it.
   */
  autoRenew(
    client: RenewableClient,
    request: AgoraTokenRequest,
    options?: AutoRenewOptions,
  ): () => void;
}

export function createAgora(options: TokengateOptions): AgoraClient {
  const http = createHttp(options);
  const post = <T>(path: string, body: object, asCaller: boolean) =>
    http.json<T>({ method: 'POST', path: `/api/agora/${path}`, body, asCaller });
  const mint =
    <K extends AgoraTokenType>(kind: K): Mint<K> =>
    (request) =>
      post(kind, request, true);
  const agora: AgoraClient = {
    rtc: mint('rtc'),
    rtm: mint('rtm'),
    rte: mint('rte'),
    chat: mint('chat'),
    convoai: mint('convoai'),
    token: (request) => post('token', request, true),
    inspect: (request) => post('inspect', request, false),
    diagnose: (request) => post('diagnose', request, false),
    autoRenew: (client, request, renewOptions) =>
      autoRenew(
        client,
        () => agora.token(request),
        async (token) => (await agora.inspect({ token })).appId,
        renewOptions,
      ),
  };
  return agora;
}
