import { z } from 'zod';
import { invalidRequest } from '../../src/errors';
import { parseInput } from '../../src/http/input';
import type { AgoraConfig } from './config';
import {
  accountField,
  channelField,
  chatUserField,
  expiryField,
  roleField,
  rteUser,
  rtmUserField,
  uidField,
  type RtcUser,
} from './schemas';
import { buildChatAppToken, buildChatUserToken, buildRtcToken, buildRtmToken } from './tokens';

/**
 * The request shapes of Agora's reference token servers (the Node one's paths, the Go one's
 * `POST /getToken`), validated like the native routes and minted by the same builders.
 */
export interface AgoraCompat {
  rtc(params: unknown): { rtcToken: string };
  rtm(params: unknown): { rtmToken: string };
  /** Two separate tokens, as the reference server answers. */
  rte(params: unknown): { rtcToken: string; rtmToken: string };
  /** `isAdmin` is asked only for a Chat app token (tokenType chat without uid). */
  getToken(body: unknown, isAdmin: () => void): { token: string; type: string };
}

const digits = /^\d+$/;
const uidOnly = z.object({ uid: uidField });
const accountOnly = z.object({ uid: accountField });
const rtmUserOnly = z.object({ uid: rtmUserField });
const chatUserOnly = z.object({ uid: chatUserField });
const absent = (value: unknown) => value === undefined || value === null || value === '';

export function createCompat(config: AgoraConfig): AgoraCompat {
  const expiry = expiryField(config.defaultExpiry);
  const rtcPath = z.object({
    channel: channelField,
    role: roleField,
    tokentype: z.enum(['uid', 'userAccount'], { message: 'must be uid or userAccount' }),
    uid: z.string(),
    expiry,
  });
  const goRequest = z.object({
    tokenType: z.enum(['rtc', 'rtm', 'chat'], { message: 'must be rtc, rtm or chat' }),
    expire: expiry,
  });
  const rtmPath = z.object({ uid: rtmUserField, expiry });
  const goRtc = z.object({ channel: channelField, role: roleField });

  /** The path's `uid` segment is a uid or an account depending on `tokentype`. */
  const pathUser = (tokentype: 'uid' | 'userAccount', uid: string): RtcUser =>
    tokentype === 'uid'
      ? parseInput(uidOnly, { uid })
      : { account: parseInput(accountOnly, { uid }).uid };

  /** The Go service mints a uid token for digits and an account token for anything else. */
  const goUser = (uid: unknown): RtcUser =>
    typeof uid === 'number' || (typeof uid === 'string' && digits.test(uid))
      ? parseInput(uidOnly, { uid })
      : { account: parseInput(accountOnly, { uid }).uid };

  const rtcFromPath = (params: unknown) => {
    const input = parseInput(rtcPath, params);
    return { ...input, user: pathUser(input.tokentype, input.uid) };
  };

  return {
    rtc(params) {
      const { channel, user, role, expiry: seconds } = rtcFromPath(params);
      return { rtcToken: buildRtcToken(config, channel, user, role, seconds) };
    },
    rtm(params) {
      const { uid, expiry: seconds } = parseInput(rtmPath, params);
      return { rtmToken: buildRtmToken(config, uid, seconds) };
    },
    rte(params) {
      const { channel, user, role, expiry: seconds } = rtcFromPath(params);
      rteUser(user, 'uid');
      const rtmUser = 'uid' in user ? String(user.uid) : user.account;
      return {
        rtcToken: buildRtcToken(config, channel, user, role, seconds),
        rtmToken: buildRtmToken(config, rtmUser, seconds),
      };
    },
    getToken(body, isAdmin) {
      const { tokenType, expire } = parseInput(goRequest, body);
      const { uid } = (body ?? {}) as { uid?: unknown };
      if (tokenType === 'rtc') {
        const { channel, role } = parseInput(goRtc, body);
        if (absent(uid)) throw invalidRequest('uid', 'uid is required');
        return { token: buildRtcToken(config, channel, goUser(uid), role, expire), type: 'rtc' };
      }
      if (tokenType === 'rtm') {
        const user = parseInput(rtmUserOnly, { uid }).uid;
        return { token: buildRtmToken(config, user, expire), type: 'rtm' };
      }
      if (absent(uid)) {
        isAdmin();
        return { token: buildChatAppToken(config, expire), type: 'chat_app' };
      }
      const user = parseInput(chatUserOnly, { uid }).uid;
      return { token: buildChatUserToken(config, user, expire), type: 'chat' };
    },
  };
}
