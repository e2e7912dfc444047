import { z } from 'zod';
import { BootError } from './errors';
import { parseTrustProxy, type TrustProxy } from './http/client';

/** Splits a comma list, dropping blanks. */
export const list = (value: string | undefined) =>
  (value ?? '')
    .split(',')
    .map((item) => item.trim())
    .filter(Boolean);

const milliseconds = (min: number) =>
  z.coerce
    .number({ message: 'must be a number of milliseconds' })
    .int('must be a number of milliseconds')
    .min(min, `must be at least ${min} milliseconds`);

const coreSchema = z.object({
  HOST: z.string().min(1).default('0.0.0.0'),
  PORT: z.coerce
    .number({ message: 'must be a port number' })
    .int('must be a port number')
    .min(0, 'must be a port number')
    .max(65535, 'must be a port number')
    .default(3000),
  PROVIDERS: z.string().optional().transform(list),
  CORS_ORIGINS: z.string().optional().transform(list),
  LOG_FORMAT: z.enum(['text', 'json'], { message: 'must be text or json' }).default('text'),
  LOG_LEVEL: z
    .enum(['debug', 'info', 'warn', 'error', 'silent'], {
      message: 'must be debug, info, warn, error or silent',
    })
    .default('info'),
  REDIS_URL: z
    .string()
    .regex(/^rediss?:\/\//, 'must be a redis:// or rediss:// URL')
    .optional(),
  REDIS_KEY_PREFIX: z.string().default('tokengate:'),
  REDIS_TIMEOUT: milliseconds(50).max(10_000, 'must be at most 10000 milliseconds').default(1_000),
  TRUST_PROXY: z
    .string()
    .optional()
    .transform((value, ctx): TrustProxy => {
      const trust = parseTrustProxy(value);
      if (typeof trust === 'function') return trust;
      ctx.addIssue({ code: 'custom', message: trust });
      return z.NEVER;
    }),
  SHUTDOWN_TIMEOUT: milliseconds(0).default(10_000),
  HEADERS_TIMEOUT: milliseconds(100).default(10_000),
  CALLER_MAX_LIFETIME: z.coerce
    .number({ message: 'must be a whole number of seconds' })
    .int('must be a whole number of seconds')
    .min(60, 'must be at least 60 seconds')
    .default(86_400),
  REQUEST_TIMEOUT: milliseconds(100).default(30_000),
  PLAYGROUND: z
    .enum(['true', 'false'], { message: 'must be true or false' })
    .default('false')
    .transform((value) => value === 'true'),
});

/** The names of the core's variables. */
export const coreVariables = Object.keys(coreSchema.shape) as ReadonlyArray<
  keyof typeof coreSchema.shape
>;

/** Settings of the core, parsed once at boot. */
export type CoreConfig = z.infer<typeof coreSchema>;

/** Names every problem as `VARIABLE: message`, never echoing a value. */
export function describeIssues(issues: readonly z.core.$ZodIssue[], prefix = ''): string[] {
  return issues.map((issue) => {
    const name = issue.path.map(String).join('.');
    return `${prefix}${name || '(config)'}: ${issue.message}`;
  });
}

/** Empty strings count as unset, as they do in most `.env` tooling. */
export const present = (value: string | undefined) =>
  value !== undefined && value.trim() !== '' ? value : undefined;

/** Parses the core variables; `aliases` maps a core name to other names also accepted. */
export function parseCoreConfig(
  env: NodeJS.ProcessEnv,
  aliases: Record<string, readonly string[]> = {},
): CoreConfig {
  const input = Object.fromEntries(
    coreVariables.map((name) => [
      name,
      [name, ...(aliases[name] ?? [])].map((n) => present(env[n])).find((v) => v !== undefined),
    ]),
  );
  const parsed = coreSchema.safeParse(input);
  if (!parsed.success) throw new BootError(describeIssues(parsed.error.issues));
  return parsed.data;
}
