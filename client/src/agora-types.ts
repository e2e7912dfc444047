import type { TokenAnswer } from './token-answer.js';

export type AgoraRole = 'publisher' | 'subscriber';

/** Names of the RTC privileges (and the RTM login of an RTE token), as answers list them. */
export type AgoraPrivilegeName =
  'joinChannel' | 'publishAudioStream' | 'publishVideoStream' | 'publishDataStream' | 'rtmLogin';

/** An RTC user: a numeric `uid` (0 lets anyone join) or a string `account`, never both. */
export interface AgoraUser {
  uid?: number;
  account?: string;
}

/** `POST /api/agora/rtc`. Lifetimes are in seconds from now; privileges default to `expiry`. */
export interface RtcRequest extends AgoraUser {
  channel: string;
  /** Default `publisher`; `audience` is accepted as `subscriber`. */
  role?: AgoraRole | 'audience';
  expiry?: number;
  joinExpiry?: number;
  audioExpiry?: number;
  videoExpiry?: number;
  dataExpiry?: number;
}

/** `POST /api/agora/rte`: RTC for `channel` plus an RTM login for `rtmUid` (else the RTC user). */
export interface RteRequest extends RtcRequest {
  rtmUid?: string;
  rtmExpiry?: number;
}

/** `POST /api/agora/rtm`; `uid` may be left to the gateway's policy to fill in. */
export interface RtmRequest {
  uid?: string;
  expiry?: number;
}

/** `POST /api/agora/chat`: an Agora Chat user token. */
export interface ChatRequest {
  uid?: string;
  expiry?: number;
}

/** `POST /api/agora/convoai`: a Conversational AI agent's RTC + RTM + ConvoAI token. */
export interface ConvoAiRequest extends AgoraUser {
  channel: string;
  rtmUid?: string;
  expiry?: number;
}

/** Per-privilege expiries, listed only when the request set one. */
export interface PrivilegeExpiryAnswer {
  privileges?: Partial<Record<AgoraPrivilegeName, string>>;
}

export interface RtcToken extends TokenAnswer, AgoraUser, PrivilegeExpiryAnswer {
  type: 'rtc';
  channel: string;
  role: AgoraRole;
}

export interface RteToken extends TokenAnswer, AgoraUser, PrivilegeExpiryAnswer {
  type: 'rte';
  channel: string;
  role: AgoraRole;
  rtmUid?: string;
}

export interface RtmToken extends TokenAnswer {
  type: 'rtm';
  uid: string;
}

export interface ChatToken extends TokenAnswer {
  type: 'chat';
  uid: string;
}

export interface ConvoAiToken extends TokenAnswer, AgoraUser {
  type: 'convoai';
  channel: string;
  rtmUid: string;
  /** The `Authorization` value Agora's Conversational AI REST API accepts. */
  authorization: string;
}

/** Each token kind's request and answer. */
export interface AgoraTokenKinds {
  rtc: { request: RtcRequest; answer: RtcToken };
  rte: { request: RteRequest; answer: RteToken };
  rtm: { request: RtmRequest; answer: RtmToken };
  chat: { request: ChatRequest; answer: ChatToken };
  convoai: { request: ConvoAiRequest; answer: ConvoAiToken };
}

export type AgoraTokenType = keyof AgoraTokenKinds;

/** A request naming its kind, as `POST /api/agora/token` and `autoRenew` take it. */
export type AgoraTokenRequest = {
  [K in AgoraTokenType]: { type: K } & AgoraTokenKinds[K]['request'];
}[AgoraTokenType];

/** The answer to a request of kind `R['type']`. */
export type AgoraTokenOf<R extends AgoraTokenRequest> = AgoraTokenKinds[R['type']]['answer'];

/** Any Agora token answer. */
export type AgoraToken = AgoraTokenKinds[AgoraTokenType]['answer'];

/** `POST /api/agora/inspect`: a token, and for a 006 token the channel and user it is for. */
export interface InspectRequest extends AgoraUser {
  token: string;
  channel?: string;
}

/** A privilege of a decoded token. */
export interface InspectedPrivilege {
  id: number;
  name: string;
  /** Seconds after the issue time; 0 means "with the token". */
  expire: number;
  expiresAt: string;
}

/** A service of a decoded token, with who and where it is for. */
export interface InspectedService {
  type: number;
  name: string;
  channel?: string;
  uid?: string;
  user?: string;
  privileges: InspectedPrivilege[];
}

/** Everything a token says, and whether this gateway's certificate signed it. */
export interface InspectedToken {
  version: '006' | '007';
  appId: string;
  issuedAt: string;
  /** Token lifetime in seconds after `issuedAt`. */
  expire: number;
  expiresAt: string;
  expired: boolean;
  salt: number;
  services: InspectedService[];
  crc32?: { channel: number; uid: number };
  signature: 'valid' | 'invalid' | 'unknown' | 'unknown_app';
  certificate?: 'primary' | 'secondary';
  message?: string;
}

/** `POST /api/agora/diagnose`: a token and what the client is about to do with it. */
export interface DiagnoseRequest extends Omit<AgoraUser, 'uid'> {
  token: string;
  service: 'rtc' | 'rtm' | 'chat';
  channel?: string;
  /** RTC: the integer uid; RTM and Chat: the user id. */
  uid?: number | string;
  role?: AgoraRole | 'audience';
  appId?: string;
  /** When the token will be used: ISO time or Unix seconds; default now. */
  at?: string | number;
}

export type Severity = 'error' | 'warning' | 'info';

/** One reason Agora may refuse the token, and what to change. */
export interface Finding {
  code: string;
  severity: Severity;
  message: string;
}

/** `ok` is false exactly when a finding is an error; `token` is null when malformed. */
export interface Diagnosis {
  ok: boolean;
  findings: Finding[];
  token: InspectedToken | null;
}
