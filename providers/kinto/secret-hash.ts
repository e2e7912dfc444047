import { randomBytes, scrypt, timingSafeEqual, type ScryptOptions } from 'node:crypto';

/** Cost parameters of a scrypt hash. */
export interface ScryptParams {
  N: number;
  r: number;
  p: number;
}

/** A parsed `scrypt$N$r$p$salt$hash` string (salt and hash in base64url). */
export interface SecretHash extends ScryptParams {
  salt: Buffer;
  hash: Buffer;
}

/** Costs of new hashes: 32 MiB and tens of milliseconds per check. */
export const defaultScryptParams: ScryptParams = { N: 2 ** 15, r: 8, p: 1 };

const derive = (secret: string, salt: Buffer, keylen: number, { N, r, p }: ScryptParams) =>
  new Promise<Buffer>((resolve, reject) => {
    const options: ScryptOptions = { N, r, p, maxmem: 256 * N * r + 1024 * 1024 };
    scrypt(secret, salt, keylen, options, (error, key) => (error ? reject(error) : resolve(key)));
  });

/** Hashes a client secret in the self-describing format stored in the config file. */
export async function hashSecret(secret: string, params = defaultScryptParams): Promise<string> {
  const salt = randomBytes(16);
  const hash = await derive(secret, salt, 32, params);
  const { N, r, p } = params;
  return ['scrypt', N, r, p, salt.toString('base64url'), hash.toString('base64url')].join('$');
}

const isPowerOfTwo = (n: number) => Number.isInteger(n) && n > 1 && (n & (n - 1)) === 0;
const base64url = /^[A-Za-z0-9_-]+$/;

/** Parses a stored hash, or explains (without quoting it) why it is not one. */
export function parseSecretHash(text: string): SecretHash | string {
  const parts = text.split('$');
  if (parts.length !== 6 || parts[0] !== 'scrypt') {
    return 'must be a scrypt hash "scrypt$N$r$p$salt$hash" (see tokengate kinto hash-secret)';
  }
  const [N, r, p] = parts.slice(1, 4).map(Number) as [number, number, number];
  if (!isPowerOfTwo(N) || N < 2 ** 10 || N > 2 ** 17) {
    return 'scrypt N must be a power of two from 1024 to 131072';
  }
  if (!Number.isInteger(r) || r < 1 || r > 32) return 'scrypt r must be 1 to 32';
  if (!Number.isInteger(p) || p < 1 || p > 16) return 'scrypt p must be 1 to 16';
  const [salt, hash] = parts.slice(4) as [string, string];
  if (!base64url.test(salt) || !base64url.test(hash)) return 'salt and hash must be base64url';
  const parsed = {
    N,
    r,
    p,
    salt: Buffer.from(salt, 'base64url'),
    hash: Buffer.from(hash, 'base64url'),
  };
  if (parsed.salt.length < 8 || parsed.hash.length < 16) return 'salt or hash is too short';
  return parsed;
}

/** Recomputes the hash of `secret` and compares it in constant time. */
export async function verifySecret(secret: string, stored: SecretHash): Promise<boolean> {
  const key = await derive(secret, stored.salt, stored.hash.length, stored);
  return timingSafeEqual(key, stored.hash);
}
