import { z } from 'zod';
import { callerAlgorithmsField } from '../../src/caller-auth';

/** Canonical variables and the iTwin mobile sample's names accepted for them. */
export const bentleyEnv = {
  BENTLEY_CLIENT_ID: ['ITM_TOKEN_SERVER_CLIENT_ID'],
  BENTLEY_CLIENT_SECRET: ['ITM_TOKEN_SERVER_CLIENT_SECRET'],
  BENTLEY_SCOPE: ['ITM_TOKEN_SERVER_SCOPE'],
  BENTLEY_AUTHORITY: [],
  BENTLEY_TOKEN_URL: [],
  BENTLEY_AUDIENCE: [],
  BENTLEY_CLIENT_AUTH: [],
  BENTLEY_UPSTREAM_TIMEOUT: [],
  BENTLEY_CALLER_ISSUER: ['ITM_TOKEN_SERVER_AUTH0_DOMAIN'],
  BENTLEY_CALLER_AUDIENCE: [],
  BENTLEY_CALLER_ALGORITHMS: [],
  BENTLEY_TOKEN_CACHE_KEY: ['TOKEN_CACHE_KEY'],
} as const satisfies Record<string, readonly string[]>;

const required = (rest: z.ZodString = z.string()) =>
  z.string({ message: 'is required' }).pipe(rest);

const httpUrl = (message: string) =>
  z
    .string()
    .refine((value) => URL.canParse(value) && /^https?:$/.test(new URL(value).protocol), message);

/**
 * An issuer URL is used verbatim (it must match `iss` exactly); a bare host name, as in the
 * sample's `ITM_TOKEN_SERVER_AUTH0_DOMAIN`, becomes the Auth0 issuer `https://<domain>/`.
 */
const issuer = required()
  .transform((value) => value.trim())
  .transform((value) =>
    /^[a-z][a-z0-9+.-]*:\/\//i.test(value) ? value : `https://${value.replace(/\/+$/, '')}/`,
  )
  .pipe(httpUrl('must be an https URL or an Auth0 domain'));

/** The Bentley provider's configuration, parsed from the variables above. */
export const bentleyConfigSchema = z.object({
  BENTLEY_CLIENT_ID: required(z.string().min(1, 'is required')),
  BENTLEY_CLIENT_SECRET: required(z.string().min(1, 'is required')),
  BENTLEY_SCOPE: z.string().trim().default('itwin-platform'),
  BENTLEY_AUTHORITY: httpUrl('must be an http(s) URL').default('https://ims.bentley.com'),
  BENTLEY_TOKEN_URL: httpUrl('must be an http(s) URL').optional(),
  BENTLEY_AUDIENCE: z.string().trim().optional(),
  BENTLEY_CLIENT_AUTH: z
    .enum(['client_secret_basic', 'client_secret_post'], {
      message: 'must be client_secret_basic or client_secret_post',
    })
    .default('client_secret_basic'),
  BENTLEY_UPSTREAM_TIMEOUT: z.coerce
    .number({ message: 'must be a number of milliseconds' })
    .int('must be a number of milliseconds')
    .min(100, 'must be at least 100 milliseconds')
    .max(120_000, 'must be at most 120000 milliseconds')
    .default(10_000),
  BENTLEY_CALLER_ISSUER: issuer,
  BENTLEY_TOKEN_CACHE_KEY: z
    .string()
    .optional()
    .transform((value, ctx) => {
      if (value === undefined) return undefined;
      const key = /^[0-9a-f]{64}$/i.test(value)
        ? Buffer.from(value, 'hex')
        : Buffer.from(value, 'base64url');
      if (key.length === 32) return key;
      ctx.addIssue({ code: 'custom', message: 'must be 32 bytes, as 64 hex characters or base64' });
      return z.NEVER;
    }),
  BENTLEY_CALLER_AUDIENCE: z.string().trim().optional(),
  BENTLEY_CALLER_ALGORITHMS: z.string().default('RS256').pipe(callerAlgorithmsField),
});

export type BentleyConfig = z.infer<typeof bentleyConfigSchema>;
