import { z } from 'zod';
import { invalidRequest } from '../../src/errors';
import { parseInput } from '../../src/http/input';
import type { AgoraConfig } from './config';
import type {
  ChatAppTokenRequest,
  ChatTokenRequest,
  RequestedUser,
  RtcTokenRequest,
  RteTokenRequest,
  RtmTokenRequest,
} from './requests';
import {
  accountField,
  channelField,
  chatUserField,
  expiryField,
  roleField,
  rtmUserField,
  rtcUser,
  rteUser,
  uidField,
} from './schemas';
import { rtmUserOf } from './tokens';

/**
 * The request shapes of Agora's reference token servers (the Node one's and the Go one's
 * paths, the Go one's `POST /getToken`), validated like the native routes into the same
 * token requests.
 */
export interface AgoraCompat {
  /** `/rtc/:channel/:role/:tokentype/:uid` */
  rtc(params: unknown): RtcTokenRequest;
  /** `/rtm/:uid` */
  rtm(params: unknown): RtmTokenRequest;
  /** `/rte/:channel/:role/:tokentype/:uid{/:rtmuid}`: answered as two separate tokens. */
  rte(params: unknown): RteTokenRequest;
  /** `/chat/account/:id` */
  chat(params: unknown): ChatTokenRequest;
  /** `/chat/app` */
  chatApp(params: unknown): ChatAppTokenRequest;
  /** `POST /getToken`: Chat without `uid` is an app token. */
  getToken(
    body: unknown,
  ): RtcTokenRequest | RtmTokenRequest | ChatTokenRequest | ChatAppTokenRequest;
}

const digits = /^\d+$/;
const uidOnly = z.object({ uid: uidField });
const accountOnly = z.object({ uid: accountField });
const rtmUserOnly = z.object({ uid: rtmUserField });
const chatUserOnly = z.object({ uid: chatUserField });
const absent = (value: unknown) => value === undefined || value === null || value === '';

/** The fields of the reference servers' requests (path parameters and query, or Go's body). */
export function compatSchemas(defaultExpiry: number) {
  const expiry = expiryField(defaultExpiry);
  return {
    rtcPath: z.object({
      channel: channelField,
      role: roleField,
      tokentype: z.enum(['uid', 'userAccount'], { message: 'must be uid or userAccount' }),
      uid: z.string().meta({ description: 'A uid (tokentype `uid`) or a user account' }),
      rtmuid: rtmUserField.optional(),
      expiry,
    }),
    goRequest: z.object({
      tokenType: z.enum(['rtc', 'rtm', 'chat'], { message: 'must be rtc, rtm or chat' }),
      expire: expiry,
    }),
    rtmPath: z.object({ uid: rtmUserField, expiry }),
    chatPath: z.object({ id: chatUserField, expiry }),
    chatAppPath: z.object({ expiry }),
    goRtc: z.object({ channel: channelField, role: roleField }),
  };
}

export function createCompat(config: AgoraConfig): AgoraCompat {
  const { rtcPath, goRequest, rtmPath, chatPath, chatAppPath, goRtc } = compatSchemas(
    config.defaultExpiry,
  );

  /** The path's `uid` segment is a uid or an account depending on `tokentype`. */
  const pathUser = (tokentype: 'uid' | 'userAccount', uid: string): RequestedUser =>
    tokentype === 'uid'
      ? parseInput(uidOnly, { uid })
      : { account: parseInput(accountOnly, { uid }).uid };

  /** The Go service mints a uid token for digits and an account token for anything else. */
  const goUser = (uid: unknown): RequestedUser =>
    typeof uid === 'number' || (typeof uid === 'string' && digits.test(uid))
      ? parseInput(uidOnly, { uid })
      : { account: parseInput(accountOnly, { uid }).uid };

  const rtcFromPath = (params: unknown) => {
    const { channel, role, tokentype, uid, rtmuid, expiry: seconds } = parseInput(rtcPath, params);
    const request = { channel, role, expiry: seconds, ...pathUser(tokentype, uid) };
    return { request, rtmuid };
  };

  return {
    rtc(params) {
      return { type: 'rtc', ...rtcFromPath(params).request };
    },
    rtm(params) {
      return { type: 'rtm', ...parseInput(rtmPath, params) };
    },
    rte(params) {
      const { request, rtmuid } = rtcFromPath(params);
      return { type: 'rte', ...request, rtmUid: rtmuid };
    },
    chat(params) {
      const { id, expiry: seconds } = parseInput(chatPath, params);
      return { type: 'chat', uid: id, expiry: seconds };
    },
    chatApp(params) {
      return { type: 'chat_app', ...parseInput(chatAppPath, params) };
    },
    getToken(body) {
      const { tokenType, expire } = parseInput(goRequest, body);
      const { uid } = (body ?? {}) as { uid?: unknown };
      if (tokenType === 'rtc') {
        const { channel, role } = parseInput(goRtc, body);
        if (absent(uid)) throw invalidRequest('uid', 'uid is required');
        return { type: 'rtc', channel, role, expiry: expire, ...goUser(uid) };
      }
      if (tokenType === 'rtm') {
        return { type: 'rtm', uid: parseInput(rtmUserOnly, { uid }).uid, expiry: expire };
      }
      if (absent(uid)) return { type: 'chat_app', expiry: expire };
      return { type: 'chat', uid: parseInput(chatUserOnly, { uid }).uid, expiry: expire };
    },
  };
}

/**
 * The reference servers answer an RTE request with two tokens: RTC, and RTM for `rtmuid` or
 * else the RTC user (the `uid` path segment).
 */
export function splitRte(request: RteTokenRequest): [RtcTokenRequest, RtmTokenRequest] {
  const { channel, uid, account, role, expiry } = request;
  const rtmUser = request.rtmUid ?? rtmUserOf(rteUser(rtcUser(request), 'uid'));
  return [
    { type: 'rtc', channel, uid, account, role, expiry },
    { type: 'rtm', uid: rtmUser, expiry: request.rtmExpiry ?? expiry },
  ];
}
