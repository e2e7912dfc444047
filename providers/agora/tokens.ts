import { ChatTokenBuilder, RtcRole, RtcTokenBuilder, RtmTokenBuilder } from 'agora-token';
import { AccessToken2, ServiceRtc, ServiceRtm } from 'agora-token/src/AccessToken2';
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
  const id = 'uid' in user ? user.uid : user.account;
  const token = new AccessToken2(appId, appCertificate, 0, expiry);
  const rtc = new ServiceRtc(channel, id);
  const rtcPrivileges = [ServiceRtc.kPrivilegeJoinChannel];
  if (role === 'publisher') {
    rtcPrivileges.push(
      ServiceRtc.kPrivilegePublishAudioStream,
      ServiceRtc.kPrivilegePublishVideoStream,
      ServiceRtc.kPrivilegePublishDataStream,
    );
  }
  rtcPrivileges.forEach((privilege) => rtc.add_privilege(privilege, expiry));
  const rtm = new ServiceRtm(String(id));
  rtm.add_privilege(ServiceRtm.kPrivilegeLogin, expiry);
  token.add_service(rtc);
  token.add_service(rtm);
  return checked(token.build());
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
