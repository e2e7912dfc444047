import type { Command } from 'commander';
import { GatewayError } from '../errors';
import type { ProviderDefinition } from '../provider';

/** Where a command's output goes; tests pass collectors. */
export interface CliIo {
  stdout(text: string): void;
  stderr(text: string): void;
  /** All of standard input, as text. */
  stdin(): Promise<string>;
}

/** What a provider's commands are given, besides the program to add them to. */
export interface CliHost {
  /** Top-level commands: `tokengate <name>`. */
  program: Command;
  /** `tokengate mint <provider> …`. */
  mint: Command;
  /** The environment: `.env` merged under the process environment, as the boot reads it. */
  env: NodeJS.ProcessEnv;
  io: CliIo;
  /**
   * Prints a command's result: as JSON with `--json`, else as `text(value)` (JSON when no
   * `text` is given). Throws nothing.
   */
  print<T>(value: T, text?: (value: T) => string): void;
  /**
   * A provider's settings parsed from the environment exactly as at boot; undefined when none
   * of its variables is set. Invalid settings fail with every problem listed.
   */
  config<C>(definition: ProviderDefinition<C>): C | undefined;
  /** Sets the exit code of a command that succeeded but has bad news (diagnose: 2). */
  exitWith(code: number): void;
}

/** A command's failure, printed without a stack trace; `code` is the exit code. */
export class CliError extends Error {
  constructor(
    message: string,
    readonly problems: string[] = [],
    readonly code = 1,
  ) {
    super(message);
  }
}

/** A provider's failure (a GatewayError: a 400 naming a field…), as the CLI reports it. */
export function cliErrorOf(error: unknown): CliError | undefined {
  if (error instanceof CliError) return error;
  if (error instanceof GatewayError) {
    const field = error.field ? ` (${error.field})` : '';
    return new CliError(`${error.message}${field}`);
  }
  return undefined;
}
