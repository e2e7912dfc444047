import { z } from 'zod';
import { callerAlgorithmsField } from '../../src/caller-auth';
import type { AgoraKeys } from './inspect';
import { hex32, maxExpirySeconds } from './limits';
import { loadPolicy, type AgoraPolicy } from './policy';

const httpUrl = (value: string) => URL.canParse(value) && /^https?:$/.test(new URL(value).protocol);

const needsIssuer = ['AGORA_CALLER_AUDIENCE', 'AGORA_CALLER_ALGORITHMS', 'AGORA_POLICY'] as const;

/** Canonical variable names and the aliases the Agora tutorials use. */
export const agoraEnv = {
  AGORA_APP_ID: ['APP_ID'],
  AGORA_APP_CERTIFICATE: ['APP_CERTIFICATE'],
  AGORA_DEFAULT_EXPIRY: [],
  AGORA_COMPAT_ROUTES: [],
  AGORA_ADMIN_KEY: [],
  AGORA_APP_CERTIFICATE_SECONDARY: [],
  AGORA_CALLER_ISSUER: [],
  AGORA_CALLER_AUDIENCE: [],
  AGORA_CALLER_ALGORITHMS: [],
  AGORA_POLICY: [],
} as const;

export const agoraConfigSchema = z
  .object({
    AGORA_APP_ID: z
      .string({ message: 'is required' })
      .regex(hex32, 'must be 32 hexadecimal characters (the App ID from Agora Console)'),
    AGORA_APP_CERTIFICATE: z
      .string({ message: 'is required' })
      .regex(hex32, 'must be 32 hexadecimal characters (the primary App Certificate)'),
    AGORA_DEFAULT_EXPIRY: z
      .string()
      .regex(/^\d+$/, `must be a whole number of seconds from 1 to ${maxExpirySeconds}`)
      .transform(Number)
      .refine(
        (n) => n >= 1 && n <= maxExpirySeconds,
        `must be a whole number of seconds from 1 to ${maxExpirySeconds}`,
      )
      .default(3600),
    AGORA_COMPAT_ROUTES: z
      .enum(['true', 'false'], { message: 'must be true or false' })
      .default('false')
      .transform((v) => v === 'true'),
    AGORA_ADMIN_KEY: z.string().min(16, 'must be at least 16 characters').optional(),
    AGORA_APP_CERTIFICATE_SECONDARY: z
      .string()
      .regex(hex32, 'must be 32 hexadecimal characters (the secondary App Certificate)')
      .optional(),
    AGORA_CALLER_ISSUER: z
      .string()
      .trim()
      .refine(httpUrl, "must be an http(s) URL: the exact iss of your callers' tokens")
      .optional(),
    AGORA_CALLER_AUDIENCE: z.string().trim().optional(),
    AGORA_CALLER_ALGORITHMS: callerAlgorithmsField.optional(),
    AGORA_POLICY: z
      .string()
      .transform((path, ctx): AgoraPolicy => {
        const loaded = loadPolicy(path);
        if (loaded.ok) return loaded.policy;
        for (const message of loaded.problems) ctx.addIssue({ code: 'custom', message });
        return z.NEVER;
      })
      .optional(),
  })
  .superRefine((env, ctx) => {
    const secondary = env.AGORA_APP_CERTIFICATE_SECONDARY?.toLowerCase();
    if (secondary === env.AGORA_APP_CERTIFICATE.toLowerCase()) {
      ctx.addIssue({
        code: 'custom',
        path: ['AGORA_APP_CERTIFICATE_SECONDARY'],
        message: 'must differ from AGORA_APP_CERTIFICATE',
      });
    }
    if (env.AGORA_CALLER_ISSUER !== undefined) return;
    for (const name of needsIssuer) {
      if (env[name] === undefined) continue;
      ctx.addIssue({
        code: 'custom',
        path: [name],
        message: 'needs AGORA_CALLER_ISSUER: callers are verified only when it is set',
      });
    }
  })
  .transform((env) => ({
    appId: env.AGORA_APP_ID,
    appCertificate: env.AGORA_APP_CERTIFICATE,
    defaultExpiry: env.AGORA_DEFAULT_EXPIRY,
    compatRoutes: env.AGORA_COMPAT_ROUTES,
    adminKey: env.AGORA_ADMIN_KEY,
    secondaryCertificate: env.AGORA_APP_CERTIFICATE_SECONDARY,
    caller:
      env.AGORA_CALLER_ISSUER === undefined
        ? undefined
        : {
            issuer: env.AGORA_CALLER_ISSUER,
            audience: env.AGORA_CALLER_AUDIENCE,
            algorithms: env.AGORA_CALLER_ALGORITHMS ?? ['RS256'],
          },
    policy: env.AGORA_POLICY,
  }));

/** The Agora provider's settings, parsed once at boot. */
export interface AgoraConfig extends AgoraKeys {
  /** 32 hex characters. */
  appId: string;
  /** 32 hex characters; never logged or returned. */
  appCertificate: string;
  /** Token lifetime in seconds when a request names none. */
  defaultExpiry: number;
  /** Mounts the reference token servers' routes at the root. */
  compatRoutes: boolean;
  /** Bearer key guarding Chat app tokens; unset disables them. */
  adminKey?: string;
  /** Verification of callers' bearer JWTs on the minting routes; unset leaves them open. */
  caller?: { issuer: string; audience?: string; algorithms: string[] };
  /** Who may mint what (`AGORA_POLICY`); unset lets every verified caller mint anything. */
  policy?: AgoraPolicy;
}
