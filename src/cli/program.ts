import { Command, CommanderError } from 'commander';
import { providerDefinitions } from '../../providers';
import { describeIssues } from '../config';
import { configure } from '../configure';
import { readProviderEnv } from '../registry';
import { BootError } from '../errors';
import type { ProviderDefinition } from '../provider';
import { CliError, cliErrorOf, type CliHost, type CliIo } from './host';

/** `tokengate check-config`: the boot's own checks, without starting anything. */
function checkConfig(host: CliHost, definitions: readonly ProviderDefinition[]) {
  host.program
    .command('check-config')
    .description(
      'validate .env and the files it names (KINTO_CONFIG, AGORA_POLICY…) exactly as the boot does',
    )
    .action(() => {
      const disabled: string[] = [];
      let enabled: string[];
      try {
        const result = configure(host.env, definitions, (line) => {
          const id = /provider=(\w+)/.exec(line)?.[1];
          if (id && line.includes('provider disabled')) disabled.push(id);
        });
        enabled = result.enabled.map((p) => p.definition.id);
      } catch (error) {
        if (error instanceof BootError) {
          throw new CliError('the configuration is invalid', error.problems);
        }
        throw error;
      }
      if (enabled.length === 0) {
        throw new CliError('no provider is configured (see .env.example)');
      }
      host.print({ valid: true, enabled, disabled }, (r) =>
        [
          `configuration is valid: ${r.enabled.join(', ')} enabled`,
          ...(r.disabled.length ? [`not configured: ${r.disabled.join(', ')}`] : []),
        ].join('\n'),
      );
    });
}

/**
 * Runs `tokengate <argv>`: the core's commands and those the providers add. Resolves with the
 * exit code; nothing is printed to the console but through `io`.
 */
export async function runCli(
  argv: readonly string[],
  options: { env: NodeJS.ProcessEnv; io: CliIo; definitions?: readonly ProviderDefinition[] },
): Promise<number> {
  const { env, io } = options;
  const definitions = options.definitions ?? providerDefinitions;
  const program = new Command('tokengate')
    .description('tokengate: inspect, diagnose and mint tokens, and check the configuration')
    .option('--json', 'machine-readable output')
    .exitOverride()
    .configureOutput({ writeOut: io.stdout, writeErr: io.stderr });
  const json = () => Boolean(program.opts().json);
  let exitCode = 0;
  const host: CliHost = {
    program,
    mint: program.command('mint').description('mint a token with the credentials in .env'),
    env,
    io,
    config<C>(definition: ProviderDefinition<C>) {
      const values = readProviderEnv(definition as ProviderDefinition, env);
      if (Object.values(values).every((v) => v === undefined)) return undefined;
      const parsed = definition.configSchema.safeParse(values);
      if (parsed.success) return parsed.data;
      const problems = describeIssues(parsed.error.issues, `${definition.id}: `);
      throw new CliError(`the ${definition.id} configuration is invalid`, problems);
    },
    exitWith(code) {
      exitCode = code;
    },
    print(value, text) {
      io.stdout(`${json() || !text ? JSON.stringify(value, null, json() ? 0 : 2) : text(value)}\n`);
    },
  };
  host.mint.exitOverride().configureOutput({ writeOut: io.stdout, writeErr: io.stderr });
  checkConfig(host, definitions);
  for (const definition of definitions) definition.cli?.(host);
  for (const command of program.commands) {
    command.exitOverride().configureOutput({ writeOut: io.stdout, writeErr: io.stderr });
    command.commands.forEach((sub) => sub.exitOverride());
  }

  try {
    await program.parseAsync(['node', 'tokengate', ...argv]);
    return exitCode;
  } catch (error) {
    if (error instanceof CommanderError) return error.exitCode;
    const failure = cliErrorOf(error);
    if (!failure) throw error;
    if (json()) {
      io.stdout(`${JSON.stringify({ error: failure.message, problems: failure.problems })}\n`);
    } else {
      io.stderr(
        `tokengate: ${failure.message}\n${failure.problems.map((p) => `  - ${p}\n`).join('')}`,
      );
    }
    return failure.code;
  }
}
