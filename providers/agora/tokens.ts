import { ChatTokenBuilder, RtcRole, RtcTokenBuilder, RtmTokenBuilder } from 'agora-token';
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

/** An RTC token; its privileges expire with the token, `expiry` seconds from now. */
export function buildRtcToken(
  { appId, appCertificate }: AgoraCredentials,
  channel: string,
  user: RtcUser,
  role: AgoraRole,
  expiry: number,
): string {
  return checked(
    'uid' in user
      ? RtcTokenBuilder.buildTokenWithUid(
          appId,
          appCertificate,
          channel,
          user.uid,
          rtcRole(role),
          expiry,
          expiry,
        )
      : RtcTokenBuilder.buildTokenWithUserAccount(
          appId,
          appCertificate,
          channel,
          user.account,
          rtcRole(role),
          expiry,
          expiry,
        ),
  );
}

export function buildRtmToken(
  { appId, appCertificate }: AgoraCredentials,
  userId: string,
  expiry: number,
): string {
  return checked(RtmTokenBuilder.buildToken(appId, appCertificate, userId, expiry));
}

/** One token carrying an RTC service for `channel` and an RTM login for the same user. */
export function buildRteToken(
  { appId, appCertificate }: AgoraCredentials,
  channel: string,
  user: RtcUser,
  role: AgoraRole,
  expiry: number,
): string {
  // A numeric uid is written as its decimal text in both services, as buildTokenWithUid does.
  const id = 'uid' in user ? String(user.uid) : user.account;
  return checked(
    RtcTokenBuilder.buildTokenWithRtm(
      appId,
      appCertificate,
      channel,
      id,
      rtcRole(role),
      expiry,
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
