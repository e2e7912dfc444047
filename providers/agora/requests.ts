import type { AgoraRole } from './schemas';

/** A caller's verified JWT claims. */
export type CallerClaims = Readonly<Record<string, unknown>>;

/** Token kinds a caller may ask for (the Chat app token is the admin's, outside these). */
export const tokenTypes = ['rtc', 'rtm', 'rte', 'chat', 'convoai'] as const;
export type TokenType = (typeof tokenTypes)[number];

/** Request fields of the RTC privilege lifetimes: join, publish audio, video, data. */
export const rtcExpiryFields = ['joinExpiry', 'audioExpiry', 'videoExpiry', 'dataExpiry'] as const;

/**
 * Per-privilege lifetimes of an RTC service (co-host authentication), in seconds from now,
 * each at most the token's `expiry`. An absent one lasts as long as the token.
 */
export interface PrivilegeExpiries {
  joinExpiry?: number;
  audioExpiry?: number;
  videoExpiry?: number;
  dataExpiry?: number;
}

/** Who an RTC service is for, as the request names it: `uid`, `account`, or (before a policy fills it in) neither. */
export interface RequestedUser {
  uid?: number;
  account?: string;
}

/** An RTC token: one channel, one user. */
export interface RtcTokenRequest extends RequestedUser, PrivilegeExpiries {
  type: 'rtc';
  channel: string;
  role: AgoraRole;
  /** Token lifetime in seconds from now. */
  expiry: number;
}

/** One token with RTC for `channel` and an RTM login, for `rtmUid` or else the RTC user. */
export interface RteTokenRequest extends Omit<RtcTokenRequest, 'type'> {
  type: 'rte';
  rtmUid?: string;
  /** Lifetime of the RTM login in seconds from now, at most `expiry`. */
  rtmExpiry?: number;
}

/** An RTM (Signaling) login token; `uid` is the RTM user id. */
export interface RtmTokenRequest {
  type: 'rtm';
  uid?: string;
  expiry: number;
}

/** An Agora Chat user token; `uid` is the Chat user id. */
export interface ChatTokenRequest {
  type: 'chat';
  uid?: string;
  expiry: number;
}

/**
 * A Conversational AI agent's token: RTC (publisher) and RTM for the agent's own `uid` or
 * `account`, plus the ConvoAI service.
 */
export interface ConvoAiTokenRequest extends RequestedUser {
  type: 'convoai';
  channel: string;
  /** The agent's RTM user id; default its uid or account. */
  rtmUid?: string;
  expiry: number;
}

/** A Chat app token: full administration of the Chat app, for the admin key only. */
export interface ChatAppTokenRequest {
  type: 'chat_app';
  expiry: number;
}

/** A validated token request a caller may make, before authorization and minting. */
export type TokenRequest =
  RtcTokenRequest | RteTokenRequest | RtmTokenRequest | ChatTokenRequest | ConvoAiTokenRequest;
