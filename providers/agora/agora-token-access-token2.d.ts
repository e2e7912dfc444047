// agora-token does not export its AccessToken2 module from the package index nor type it.
declare module 'agora-token/src/AccessToken2' {
  /** A service of a 007 token; parsed string fields are Buffers, built ones strings. */
  export class Service {
    constructor(serviceType?: number);
    service_type(): number;
    add_privilege(privilege: number, expire: number): void;
    /** Privilege id → expiry in seconds after the token's issue time (0: with the token). */
    __privileges: Record<string, number>;
  }

  export class ServiceRtc extends Service {
    constructor(channelName?: string, uid?: number | string);
    static readonly kPrivilegeJoinChannel: number;
    static readonly kPrivilegePublishAudioStream: number;
    static readonly kPrivilegePublishVideoStream: number;
    static readonly kPrivilegePublishDataStream: number;
  }

  export class ServiceRtm extends Service {
    constructor(userId?: string);
    static readonly kPrivilegeLogin: number;
  }

  /** Builds, parses and verifies 007 tokens. */
  export class AccessToken2 {
    constructor(appId?: string, appCertificate?: string, issueTs?: number, expire?: number);
    appId: string | Buffer;
    issueTs: number;
    /** Seconds after `issueTs`. */
    expire: number;
    salt: number;
    services: Service[];
    add_service(service: Service): void;
    /** '' when the app id, certificate or services are unusable. */
    build(): string;
    /** False when the token is not a well-formed 007 token. */
    from_string(token: string): boolean;
    verifySignature(appCertificate: string): boolean;
  }

  export const kRtcServiceType: number;
  export const kRtmServiceType: number;
  export const kChatServiceType: number;
}
