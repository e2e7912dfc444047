import { parseInput } from '../../src/http/input';
import type { AgoraConfig } from './config';
import {
  chatAppRequest,
  chatRequest,
  rtcRequest,
  rtcUser,
  rteUser,
  rtmRequest,
  tokenTypeRequest,
} from './schemas';
import {
  buildChatAppToken,
  buildChatUserToken,
  buildRtcToken,
  buildRteToken,
  buildRtmToken,
} from './tokens';

/** A minted token and the fields the contract answers with it. */
export interface AgoraAnswer extends Record<string, unknown> {
  token: string;
  type: 'rtc' | 'rtm' | 'rte' | 'chat' | 'chat_app';
  /** Lifetime in seconds from now. */
  expiresIn: number;
}

/** Validates request fields (400 naming the field) and mints the token they ask for. */
export interface AgoraIssuer {
  rtc(input: unknown): AgoraAnswer;
  rtm(input: unknown): AgoraAnswer;
  rte(input: unknown): AgoraAnswer;
  chat(input: unknown): AgoraAnswer;
  /** Callers must have been checked as admins. */
  chatApp(input: unknown): AgoraAnswer;
  /** `type` = rtc (default) | rtm | rte | chat. */
  byType(input: unknown): AgoraAnswer;
}

export function createIssuer(config: AgoraConfig): AgoraIssuer {
  const schemas = {
    rtc: rtcRequest(config.defaultExpiry),
    rtm: rtmRequest(config.defaultExpiry),
    chat: chatRequest(config.defaultExpiry),
    chatApp: chatAppRequest(config.defaultExpiry),
  };
  const issuer: AgoraIssuer = {
    rtc(input) {
      const { channel, role, expiry, ...ids } = parseInput(schemas.rtc, input);
      const user = rtcUser(ids);
      const token = buildRtcToken(config, channel, user, role, expiry);
      return { token, type: 'rtc', channel, ...user, role, expiresIn: expiry };
    },
    rtm(input) {
      const { uid, expiry } = parseInput(schemas.rtm, input);
      return { token: buildRtmToken(config, uid, expiry), type: 'rtm', uid, expiresIn: expiry };
    },
    rte(input) {
      const { channel, role, expiry, ...ids } = parseInput(schemas.rtc, input);
      const user = rteUser(rtcUser(ids));
      const token = buildRteToken(config, channel, user, role, expiry);
      return { token, type: 'rte', channel, ...user, role, expiresIn: expiry };
    },
    chat(input) {
      const { uid, expiry } = parseInput(schemas.chat, input);
      const token = buildChatUserToken(config, uid, expiry);
      return { token, type: 'chat', uid, expiresIn: expiry };
    },
    chatApp(input) {
      const { expiry } = parseInput(schemas.chatApp, input);
      return { token: buildChatAppToken(config, expiry), type: 'chat_app', expiresIn: expiry };
    },
    byType(input) {
      const { type } = parseInput(tokenTypeRequest, input);
      return issuer[type](input);
    },
  };
  return issuer;
}
