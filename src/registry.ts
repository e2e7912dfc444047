import { describeIssues, present } from './config';
import { BootError } from './errors';
import type { Logger } from './logger';
import type { ProviderDefinition, ProviderEnv } from './provider';

/** Provider definitions keyed by id. */
export type Registry = ReadonlyMap<string, ProviderDefinition>;

/** `/api/providers` belongs to the core. */
const reservedIds = new Set(['providers']);

/** Builds the registry, refusing ids that repeat or cannot be a URL segment and env prefix. */
export function createRegistry(definitions: readonly ProviderDefinition[]): Registry {
  const registry = new Map<string, ProviderDefinition>();
  for (const definition of definitions) {
    if (!/^[a-z][a-z0-9]*$/.test(definition.id)) {
      throw new Error(`provider id "${definition.id}" must be lowercase letters and digits`);
    }
    if (reservedIds.has(definition.id)) {
      throw new Error(`provider id "${definition.id}" is reserved by the core`);
    }
    if (registry.has(definition.id)) {
      throw new Error(`provider id "${definition.id}" is registered twice`);
    }
    registry.set(definition.id, definition);
  }
  return registry;
}

/** An enabled provider and its parsed configuration. */
export interface EnabledProvider {
  definition: ProviderDefinition;
  config: unknown;
}

/** A provider's variables from `env`, each under its canonical name (aliases resolved). */
export function readProviderEnv(
  definition: ProviderDefinition,
  env: NodeJS.ProcessEnv,
): ProviderEnv {
  return Object.fromEntries(
    Object.entries(definition.env).map(([name, aliases]) => [
      name,
      [name, ...aliases].map((n) => present(env[n])).find((v) => v !== undefined),
    ]),
  );
}

/** Variables a provider cannot do without: those its schema rejects when none is set. */
function requiredNames(definition: ProviderDefinition): string[] {
  const parsed = definition.configSchema.safeParse({});
  const names = parsed.success ? [] : parsed.error.issues.map((i) => String(i.path[0]));
  return [...new Set(names)];
}

/**
 * Decides which providers run. Providers with none of their variables set are disabled (and
 * logged); a provider with some variables set but an invalid configuration, one named in
 * `PROVIDERS` that is not configured, and an unknown id in `PROVIDERS` all stop the boot,
 * every problem listed at once.
 */
export function resolveProviders(
  registry: Registry,
  env: NodeJS.ProcessEnv,
  requested: readonly string[],
  logger: Logger,
): EnabledProvider[] {
  const problems: string[] = [];
  const enabled: EnabledProvider[] = [];
  for (const id of requested) {
    if (!registry.has(id)) {
      problems.push(
        `PROVIDERS: unknown provider "${id}" (known: ${[...registry.keys()].join(', ')})`,
      );
    }
  }
  for (const definition of registry.values()) {
    if (requested.length > 0 && !requested.includes(definition.id)) continue;
    const values = readProviderEnv(definition, env);
    if (Object.values(values).every((v) => v === undefined)) {
      const missing = requiredNames(definition).join(', ');
      if (requested.includes(definition.id)) {
        problems.push(`${definition.id}: named in PROVIDERS but not configured; set ${missing}`);
      } else {
        logger.info('provider disabled: not configured', { provider: definition.id, missing });
      }
      continue;
    }
    const parsed = definition.configSchema.safeParse(values);
    if (!parsed.success) {
      problems.push(...describeIssues(parsed.error.issues, `${definition.id}: `));
      continue;
    }
    enabled.push({ definition, config: parsed.data });
  }
  if (problems.length > 0) throw new BootError(problems);
  return enabled;
}
