import { createAgora, type AgoraClient } from './agora.js';
import { createBentley, type BentleyClient } from './bentley.js';
import type { TokengateOptions } from './http.js';
import { createKinto, type KintoClient } from './kinto.js';
import { createTextile, type TextileClient } from './textile.js';

/** Every provider's client, sharing one base URL and caller token. */
export interface Tokengate {
  agora: AgoraClient;
  textile: TextileClient;
  kinto: KintoClient;
  bentley: BentleyClient;
}

/**
 * The gateway's browser client. Each provider's part can also be made alone (`createAgora`…),
 * so a bundler keeps only what the app uses.
 */
export function createTokengate(options: TokengateOptions): Tokengate {
  return {
    agora: createAgora(options),
    textile: createTextile(options),
    kinto: createKinto(options),
    bentley: createBentley(options),
  };
}

export { createAgora, createBentley, createKinto, createTextile };
export { TokengateError } from './errors.js';
export { keepFresh, type KeepFreshOptions } from './keep-fresh.js';
export {
  didExpireEvents,
  willExpireEvents,
  type AutoRenewOptions,
  type RenewableClient,
} from './auto-renew.js';
export type { RetryOptions } from './retry.js';
export type { TokengateOptions } from './http.js';
export type { TokenAnswer } from './token-answer.js';
export type * from './agora-types.js';
export type { AgoraClient } from './agora.js';
export type { BentleyClient, BentleyToken } from './bentley.js';
export type { KintoClient, KintoConnection, KintoCredentials, KintoSession } from './kinto.js';
export type { TextileClient, TextileIdentity, UserAuth, UserAuthOptions } from './textile.js';
