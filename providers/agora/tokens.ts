import {
  ChatTokenBuilder,
  ConvoAITokenBuilder,
  RtcRole,
  RtcTokenBuilder,
  RtmTokenBuilder,
} from 'agora-token';
import { rtcExpiryFields, type PrivilegeExpiries } from './requests';
import type { AgoraRole, RtcUser } from './schemas';

/** The app credentials every token is signed with. */
export interface AgoraCredentials {
  appId: string;
  appCertificate: string;
}

/** agora-token answers '' instead of failing; a token must never be sent empty. */
function checked(token: string): string {
  if (token === '') throw new Error('agora-token built an empty token');
  return token;
}

const rtcRole = (role: AgoraRole) =>
  role === 'publisher' ? RtcRole.PUBLISHER : RtcRole.SUBSCRIBER;

/** agora-token writes a number as its decimal text, and uid 0 as "" (any user). */
const rtcAccount = (user: RtcUser) => ('uid' in user ? user.uid : user.account);

/** The RTM user id of an RTC user that has no separate one. */
export const rtmUserOf = (user: RtcUser) => String(rtcAccount(user));

/** Join, publish audio, video and data lifetimes, each defaulting to the token's. */
const privilegeSeconds = (expiry: number, p: PrivilegeExpiries) =>
  rtcExpiryFields.map((name) => p[name] ?? expiry) as [number, number, number, number];

/**
 * An RTC token for `expiry` seconds from now. A publisher's four privileges may each expire
 * earlier (co-host authentication); a subscriber holds only the join privilege.
 */
export function buildRtcToken(
  { appId, appCertificate }: AgoraCredentials,
  channel: string,
  user: RtcUser,
  role: AgoraRole,
  expiry: number,
  privileges: PrivilegeExpiries = {},
): string {
  const [join, audio, video, data] = privilegeSeconds(expiry, privileges);
  const account = rtcAccount(user);
  if (role === 'subscriber') {
    return checked(
      RtcTokenBuilder.buildTokenWithUid(
        appId,
        appCertificate,
        channel,
        account,
        RtcRole.SUBSCRIBER,
        expiry,
        join,
      ),
    );
  }
  const args = [appId, appCertificate, channel, account, expiry, join, audio, video, data] as const;
  return checked(
    'uid' in user
      ? RtcTokenBuilder.buildTokenWithUidAndPrivilege(...args)
      : RtcTokenBuilder.BuildTokenWithUserAccountAndPrivilege(...args),
  );
}

export function buildRtmToken(
  { appId, appCertificate }: AgoraCredentials,
  userId: string,
  expiry: number,
): string {
  return checked(RtmTokenBuilder.buildToken(appId, appCertificate, userId, expiry));
}

/** One token carrying an RTC service for `channel` and an RTM login for `rtmUser`. */
export function buildRteToken(
  { appId, appCertificate }: AgoraCredentials,
  channel: string,
  user: RtcUser,
  role: AgoraRole,
  expiry: number,
  privileges: PrivilegeExpiries,
  rtm: { user: string; expiry: number },
): string {
  const [join, audio, video, data] = privilegeSeconds(expiry, privileges);
  return checked(
    RtcTokenBuilder.buildTokenWithRtm2(
      appId,
      appCertificate,
      channel,
      rtcAccount(user),
      rtcRole(role),
      expiry,
      join,
      audio,
      video,
      data,
      rtm.user,
      rtm.expiry,
    ),
  );
}

/** A Conversational AI agent's token: RTC publisher, RTM login and the ConvoAI service. */
export function buildConvoAiToken(
  { appId, appCertificate }: AgoraCredentials,
  channel: string,
  agent: RtcUser,
  rtmUser: string,
  expiry: number,
): string {
  return checked(
    ConvoAITokenBuilder.buildToken(
      appId,
      appCertificate,
      channel,
      rtcAccount(agent),
      RtcRole.PUBLISHER,
      expiry,
      expiry,
      expiry,
      expiry,
      expiry,
      rtmUser,
      expiry,
    ),
  );
}

export function buildChatUserToken(
  { appId, appCertificate }: AgoraCredentials,
  userId: string,
  expiry: number,
): string {
  return checked(ChatTokenBuilder.buildUserToken(appId, appCertificate, userId, expiry));
}

/** A Chat app token: full administration of the app through Agora Chat's REST API. */
export function buildChatAppToken(
  { appId, appCertificate }: AgoraCredentials,
  expiry: number,
): string {
  return checked(ChatTokenBuilder.buildAppToken(appId, appCertificate, expiry));
}
