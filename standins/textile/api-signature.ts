import { createHmac, timingSafeEqual } from 'node:crypto';
import { fromMultibaseBase32, multibaseBase32 } from './base32';

/**
 * The hub's API signature, computed independently of `@textile/security`:
 * multibase base32 of HMAC-SHA256 keyed with the decoded secret over the ISO date `msg`.
 */
export const apiSignature = (secret: string, msg: string) =>
  multibaseBase32(createHmac('sha256', fromMultibaseBase32(secret)).update(msg, 'utf8').digest());

/** True when `sig` is the signature of `msg` under `secret`. */
export function apiSignatureMatches(secret: string, msg: string, sig: string): boolean {
  const expected = Buffer.from(apiSignature(secret, msg));
  const given = Buffer.from(sig);
  return expected.length === given.length && timingSafeEqual(expected, given);
}
