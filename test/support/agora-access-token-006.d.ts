// agora-token ships its legacy 006 builder untyped; the tests build 006 tokens with it.
declare module 'agora-token/src/AccessToken' {
  /** Builds (and parses, without verifying) legacy 006 tokens. */
  export class AccessToken {
    constructor(
      appID?: string,
      appCertificate?: string,
      channelName?: string,
      uid?: string | number,
    );
    appID: string;
    salt: number;
    /** Issue time + 24 h. */
    ts: number;
    /** Privilege id → expiry, Unix seconds. */
    messages: Record<string, number>;
    crc_channel_name: number;
    crc_uid: number;
    addPriviledge(privilege: number, expireTimestamp: number): void;
    build(): string;
    fromString(token: string): boolean;
  }
  export const priviledges: {
    kJoinChannel: 1;
    kPublishAudioStream: 2;
    kPublishVideoStream: 3;
    kPublishDataStream: 4;
    kRtmLogin: 1000;
  };
}
