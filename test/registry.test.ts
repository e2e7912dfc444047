import { describe, expect, it } from 'vitest';
import { createGateway } from '../src/app';
import { configure } from '../src/configure';
import { BootError } from '../src/errors';
import { createLogger } from '../src/logger';
import { createRegistry, resolveProviders } from '../src/registry';
import { sampleProvider } from './support/sample-provider';

const quiet = () => {
  const lines: string[] = [];
  return { lines, logger: createLogger({ write: (l) => lines.push(l) }) };
};

const bootProblems = (fn: () => unknown): string[] => {
  try {
    fn();
  } catch (error) {
    if (error instanceof BootError) return error.problems;
    throw error;
  }
  throw new Error('expected a BootError');
};

describe('registry', () => {
  it('refuses duplicate and malformed ids', () => {
    expect(() => createRegistry([sampleProvider(), sampleProvider()])).toThrow(/registered twice/);
    expect(() => createRegistry([sampleProvider('Bad-Id')])).toThrow(/lowercase/);
    expect(() => createRegistry([sampleProvider('providers')])).toThrow(/reserved/);
  });

  it('disables a provider with no variables set and logs the missing names', () => {
    const { lines, logger } = quiet();
    const enabled = resolveProviders(createRegistry([sampleProvider()]), {}, [], logger);
    expect(enabled).toEqual([]);
    const line = lines.find((l) => l.includes('provider disabled'));
    expect(line).toContain('provider=sample');
    expect(line).toContain('missing=SAMPLE_SECRET');
    expect(line).not.toContain('SAMPLE_TTL');
  });

  it('enables a configured provider, reading aliases', () => {
    const { logger } = quiet();
    const registry = createRegistry([sampleProvider()]);
    const [enabled] = resolveProviders(
      registry,
      { SAMPLE_LEGACY_SECRET: 'long-enough' },
      [],
      logger,
    );
    expect(enabled?.config).toEqual({ SAMPLE_SECRET: 'long-enough', SAMPLE_TTL: 60 });
  });

  it('lists every problem of a partly configured provider without echoing values', () => {
    const { logger } = quiet();
    const problems = bootProblems(() =>
      resolveProviders(
        createRegistry([sampleProvider()]),
        { SAMPLE_SECRET: 'short', SAMPLE_TTL: '-5' },
        [],
        logger,
      ),
    );
    expect(problems).toEqual([
      'sample: SAMPLE_SECRET: must be at least 8 characters',
      'sample: SAMPLE_TTL: must be positive',
    ]);
    expect(problems.join()).not.toContain('short');
  });

  it('stops on unknown ids and on providers named in PROVIDERS but not configured', () => {
    const { logger } = quiet();
    const registry = createRegistry([sampleProvider(), sampleProvider('other')]);
    const problems = bootProblems(() => resolveProviders(registry, {}, ['sample', 'nope'], logger));
    expect(problems).toEqual([
      'PROVIDERS: unknown provider "nope" (known: sample, other)',
      'sample: named in PROVIDERS but not configured; set SAMPLE_SECRET',
    ]);
  });

  it('runs only the providers named in PROVIDERS', () => {
    const { logger } = quiet();
    const registry = createRegistry([sampleProvider(), sampleProvider('other')]);
    const enabled = resolveProviders(registry, { SAMPLE_SECRET: 'long-enough' }, ['other'], logger);
    expect(enabled.map((e) => e.definition.id)).toEqual(['other']);
  });
});

describe('core configuration', () => {
  it('names each bad core variable', async () => {
    const error = await createGateway({
      env: { PORT: 'eighty', LOG_FORMAT: 'xml', REDIS_URL: 'http://x' },
      definitions: [],
      writeLog: () => {},
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(BootError);
    expect((error as BootError).problems).toEqual([
      'PORT: must be a port number',
      'LOG_FORMAT: must be text or json',
      'REDIS_URL: must be a redis:// or rediss:// URL',
    ]);
  });

  it('lists core and provider problems together', () => {
    const problems = bootProblems(() =>
      configure({ PORT: '-1', SAMPLE_SECRET: 'short' }, [sampleProvider()], () => {}),
    );
    expect(problems).toEqual([
      'PORT: must be a port number',
      'sample: SAMPLE_SECRET: must be at least 8 characters',
    ]);
  });

  it('accepts core aliases that a provider declares', async () => {
    const withAlias = { ...sampleProvider(), coreEnvAliases: { PORT: ['SAMPLE_PORT'] } };
    const gateway = await createGateway({
      env: { SAMPLE_PORT: '4321' },
      definitions: [withAlias],
      writeLog: () => {},
    });
    expect(gateway.config.PORT).toBe(4321);
    await gateway.close();
  });
});
