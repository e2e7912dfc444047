import { z } from 'zod';
import { loadKintoConfig, type KintoSetup } from './config-file';

const positiveInt = (what: string) =>
  z.coerce
    .number({ message: `must be ${what}` })
    .int(`must be ${what}`)
    .positive(`must be ${what}`);

const maxSessionTtlSec = 365 * 24 * 3600;

/** The kinto provider's variables; `KINTO_CONFIG` is read and checked here, at boot. */
export const kintoConfigSchema = z.object({
  KINTO_CONFIG: z
    .string({ message: 'is required (path of the clients and services JSON file)' })
    .transform((path, ctx): KintoSetup => {
      const loaded = loadKintoConfig(path);
      if (loaded.ok) return loaded.setup;
      for (const message of loaded.problems) ctx.addIssue({ code: 'custom', message });
      return z.NEVER;
    }),
  // Bounded so that every expiry stays a valid date.
  KINTO_SESSION_TTL: positiveInt('a whole number of seconds')
    .max(maxSessionTtlSec, `must be at most ${maxSessionTtlSec} seconds (365 days)`)
    .default(14 * 24 * 3600),
  KINTO_MAX_SESSIONS: positiveInt('a positive whole number').default(100_000),
  KINTO_MAX_BODY: positiveInt('a number of bytes').default(1024 * 1024),
});

export type KintoConfig = z.infer<typeof kintoConfigSchema>;
