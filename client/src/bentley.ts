import type { TokenAnswer } from './token-answer.js';
import { createHttp, type TokengateOptions } from './http.js';

/** An iTwin Platform access token. */
export interface BentleyToken extends TokenAnswer {
  tokenType: 'Bearer';
  scope: string;
}

/** Bentley iTwin Platform tokens for the verified caller. */
export interface BentleyClient {
  /** `GET /api/bentley/token` with `callerToken()` as the bearer. */
  token(): Promise<BentleyToken>;
}

export function createBentley(options: TokengateOptions): BentleyClient {
  const http = createHttp(options);
  return {
    token: () => http.json({ method: 'GET', path: '/api/bentley/token', asCaller: true }),
  };
}
