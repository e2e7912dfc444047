import { z } from 'zod';
import { BootError } from './errors';
import { parseTrustProxy, type TrustProxy } from './http/client';
import { parseRate, type Rate } from './rate-limits';

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

/** A rate variable: `60/m`, or `0`/`off`; an absent one is left to the caller's default. */
export const rateVariable = z
  .string()
  .optional()
  .transform((value, ctx): Rate | undefined | null => {
    if (value === undefined) return null;
    const rate = parseRate(value);
    if (typeof rate !== 'string') return rate;
    ctx.addIssue({ code: 'custom', message: rate });
    return z.NEVER;
  });

/** Requests per client address and per principal, for providers with no limit of their own. */
export const defaultRate = '120/m';

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
  RATE_LIMIT: rateVariable,
  RATE_LIMIT_FAILURES: rateVariable.transform((rate) =>
    rate === null ? { points: 10, seconds: 60 } : rate,
  ),
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

/**
 * Where in a config file a problem is: `services[2].writes[0]`, `services[1].reads["auth-userId"]`.
 */
export function describePath(path: readonly PropertyKey[]): string {
  return path
    .map((key, i) =>
      typeof key === 'number'
        ? `[${key}]`
        : /^[A-Za-z_$][\w$]*$/.test(String(key))
          ? `${i === 0 ? '' : '.'}${String(key)}`
          : `[${JSON.stringify(String(key))}]`,
    )
    .join('');
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
