// agora-token does not export its AccessToken2 module from the package index nor type it.
// Only the parser is declared: tokens are built with the package's exported builders.
declare module 'agora-token/src/AccessToken2' {
  /** A service of a parsed 007 token; its string fields (channel, uid, user) are Buffers. */
  export class Service {
    service_type(): number;
    /** Privilege id → expiry in seconds after the token's issue time (0: with the token). */
    __privileges: Record<string, number>;
  }

  /** Parses and verifies 007 tokens. */
  export class AccessToken2 {
    appId: string | Buffer;
    issueTs: number;
    /** Seconds after `issueTs`. */
    expire: number;
    salt: number;
    services: Service[];
    /** False when the token is not a well-formed 007 token. */
    from_string(token: string): boolean;
    verifySignature(appCertificate: string): boolean;
  }
}
