import {
  defaultRate,
  list,
  parseCoreConfig,
  present,
  rateVariable,
  type CoreConfig,
} from './config';
import { parseRate, type Rate } from './rate-limits';
import { BootError } from './errors';
import { createLogger, type RootLogger } from './logger';
import type { ProviderDefinition } from './provider';
import { createRegistry, resolveProviders, type EnabledProvider } from './registry';

/** The whole configuration, parsed once at boot. */
export interface Configuration {
  config: CoreConfig;
  logger: RootLogger;
  enabled: EnabledProvider[];
  /** Each enabled provider's budget per client address and principal; undefined: no limit. */
  rates: ReadonlyMap<string, Rate | undefined>;
}

function coreAliases(definitions: readonly ProviderDefinition[]): Record<string, string[]> {
  const aliases: Record<string, string[]> = {};
  for (const definition of definitions) {
    for (const [name, names] of Object.entries(definition.coreEnvAliases ?? {})) {
      aliases[name] = [...(aliases[name] ?? []), ...names];
    }
  }
  return aliases;
}

const problemsOf = (error: unknown): string[] => {
  if (error instanceof BootError) return error.problems;
  throw error;
};

/**
 * Parses the core and provider variables. Problems of both are gathered, so one failed boot
 * lists everything that needs fixing.
 */
export function configure(
  env: NodeJS.ProcessEnv,
  definitions: readonly ProviderDefinition[],
  writeLog?: (line: string) => void,
): Configuration {
  const registry = createRegistry(definitions);
  const problems: string[] = [];
  let config: CoreConfig | undefined;
  try {
    config = parseCoreConfig(env, coreAliases(definitions));
  } catch (error) {
    problems.push(...problemsOf(error));
  }
  const logger = createLogger({
    format: config?.LOG_FORMAT,
    level: config?.LOG_LEVEL,
    write: writeLog,
  });
  let enabled: EnabledProvider[] = [];
  try {
    enabled = resolveProviders(registry, env, config?.PROVIDERS ?? list(env.PROVIDERS), logger);
  } catch (error) {
    problems.push(...problemsOf(error));
  }
  const rates = new Map<string, Rate | undefined>();
  for (const { definition } of enabled) {
    const name = `RATE_LIMIT_${definition.id.toUpperCase()}`;
    const own = rateVariable.safeParse(present(env[name]));
    if (!own.success) problems.push(...own.error.issues.map((i) => `${name}: ${i.message}`));
    // RATE_LIMIT_<ID>, else RATE_LIMIT, else the provider's own default; null is "not set".
    let rate: Rate | undefined | null = own.success ? own.data : null;
    if (rate === null && config) rate = config.RATE_LIMIT;
    if (rate === null) rate = parseRate(definition.rateLimit ?? defaultRate) as Rate;
    rates.set(definition.id, rate);
  }
  if (!config || problems.length > 0) throw new BootError(problems);
  return { config, logger, enabled, rates };
}
