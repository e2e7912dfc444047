/** Every token answer of the gateway: the credential and when it lapses. */
export interface TokenAnswer {
  token: string;
  /** Whole seconds from the answer until expiry. */
  expiresIn: number;
  /** The expiry as an ISO time (the gateway's clock). */
  expiresAt: string;
}
