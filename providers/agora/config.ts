import { z } from 'zod';
import type { AgoraKeys } from './inspect';

/** App IDs and certificates. */
export const hex32 = /^[0-9a-fA-F]{32}$/;

/** Longest token lifetime Agora accepts, in seconds. */
export const maxExpirySeconds = 86_400;

/** Canonical variable names and the aliases the Agora tutorials use. */
export const agoraEnv = {
  AGORA_APP_ID: ['APP_ID'],
  AGORA_APP_CERTIFICATE: ['APP_CERTIFICATE'],
  AGORA_DEFAULT_EXPIRY: [],
  AGORA_COMPAT_ROUTES: [],
  AGORA_ADMIN_KEY: [],
  AGORA_APP_CERTIFICATE_SECONDARY: [],
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
  })
  .refine(
    (env) =>
      env.AGORA_APP_CERTIFICATE_SECONDARY?.toLowerCase() !==
      env.AGORA_APP_CERTIFICATE.toLowerCase(),
    {
      path: ['AGORA_APP_CERTIFICATE_SECONDARY'],
      message: 'must differ from AGORA_APP_CERTIFICATE',
    },
  )
  .transform((env) => ({
    appId: env.AGORA_APP_ID,
    appCertificate: env.AGORA_APP_CERTIFICATE,
    defaultExpiry: env.AGORA_DEFAULT_EXPIRY,
    compatRoutes: env.AGORA_COMPAT_ROUTES,
    adminKey: env.AGORA_ADMIN_KEY,
    secondaryCertificate: env.AGORA_APP_CERTIFICATE_SECONDARY,
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
}
