import { z } from 'zod';

/** The retired hosted hub, `@textile/hub`'s own default. */
export const hostedHubUrl = 'https://webapi.hub.textile.io';

const seconds = (max: number, fallback: number, note = '') =>
  z.coerce
    .number({ message: 'must be a number of seconds' })
    .positive('must be a positive number of seconds')
    .max(max, `must be at most ${max} seconds${note}`)
    .default(fallback);

const wholeSeconds = (max: number, fallback: number, note = '') =>
  z.coerce
    .number({ message: 'must be a whole number of seconds' })
    .int('must be a whole number of seconds')
    .positive('must be a positive number of seconds')
    .max(max, `must be at most ${max} seconds${note}`)
    .default(fallback);

const flag = z
  .string()
  .trim()
  .toLowerCase()
  .refine((v) => ['true', 'false', '1', '0', 'yes', 'no'].includes(v), 'must be true or false')
  .transform((v) => ['true', '1', 'yes'].includes(v));

/** Variables of the textile provider, parsed once at boot. Messages never echo a value. */
export const textileConfigSchema = z.object({
  TEXTILE_USER_API_KEY: z
    .string({ message: 'is required' })
    .regex(/^[\x21-\x7e]+$/, 'must be printable ASCII without spaces'),
  TEXTILE_USER_API_SECRET: z
    .string({ message: 'is required' })
    // @textile/security multibase-decodes the secret; the hub prints it as base32 (`b…`).
    .regex(/^b[a-z2-7]+$/, 'must be the multibase base32 secret printed by the hub (b…)'),
  TEXTILE_HUB_URL: z
    .string()
    .regex(/^(https?|wss?):\/\/[^\s/?#]+(\/[^\s?#]*)?$/, 'must be an http(s) or ws(s) URL')
    .transform((url) => url.replace(/\/+$/, ''))
    .default(hostedHubUrl),
  TEXTILE_ALLOW_PRIVATE_KEY: flag.default(true),
  TEXTILE_USERAUTH_TTL: wholeSeconds(86_400, 300),
  TEXTILE_CHALLENGE_TTL: wholeSeconds(60, 30, ' (the hub waits one minute for a signature)'),
  TEXTILE_MAX_PENDING: z.coerce
    .number({ message: 'must be a whole number' })
    .int('must be a whole number')
    .positive('must be positive')
    .default(10_000),
  TEXTILE_HUB_TIMEOUT: seconds(300, 10),
});

/** The parsed configuration. */
export type TextileConfig = z.infer<typeof textileConfigSchema>;
