import { list, parseCoreConfig, type CoreConfig } from './config';
import { BootError } from './errors';
import { createLogger, type RootLogger } from './logger';
import type { ProviderDefinition } from './provider';
import { createRegistry, resolveProviders, type EnabledProvider } from './registry';

/** The whole configuration, parsed once at boot. */
export interface Configuration {
  config: CoreConfig;
  logger: RootLogger;
  enabled: EnabledProvider[];
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
  if (!config || problems.length > 0) throw new BootError(problems);
  return { config, logger, enabled };
}
