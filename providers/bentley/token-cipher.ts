import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from 'node:crypto';

/** Seals cached access tokens, so that a dump of the shared store does not leak them. */
export interface TokenCipher {
  /** AES-256-GCM of `plain`, bound to `context` (the cache key): base64url of iv ‖ tag ‖ data. */
  seal(plain: string, context: string): string;
  /** The plain text, or undefined when `sealed` was not sealed with this key for `context`. */
  open(sealed: string, context: string): string | undefined;
}

/**
 * The key: `BENTLEY_TOKEN_CACHE_KEY` when set, else derived from the client secret with HKDF,
 * which every instance of the cluster shares, so no extra secret needs distributing.
 */
export function cacheKeyOf(configured: Buffer | undefined, clientSecret: string): Buffer {
  return (
    configured ??
    Buffer.from(hkdfSync('sha256', clientSecret, 'tokengate', 'bentley IMS token cache', 32))
  );
}

export function createTokenCipher(key: Buffer): TokenCipher {
  return {
    seal(plain, context) {
      const iv = randomBytes(12);
      const cipher = createCipheriv('aes-256-gcm', key, iv);
      cipher.setAAD(Buffer.from(context));
      const data = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
      return Buffer.concat([iv, cipher.getAuthTag(), data]).toString('base64url');
    },
    open(sealed, context) {
      try {
        const bytes = Buffer.from(sealed, 'base64url');
        const decipher = createDecipheriv('aes-256-gcm', key, bytes.subarray(0, 12));
        decipher.setAAD(Buffer.from(context));
        decipher.setAuthTag(bytes.subarray(12, 28));
        return Buffer.concat([decipher.update(bytes.subarray(28)), decipher.final()]).toString(
          'utf8',
        );
      } catch {
        return undefined;
      }
    },
  };
}
