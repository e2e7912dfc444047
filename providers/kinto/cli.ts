import { CliError, type CliHost } from '../../src/cli/host';
import { hashSecret } from './secret-hash';

/**
 * `tokengate kinto hash-secret`: the `secretHash` of a client secret for `KINTO_CONFIG`. The
 * secret comes from standard input, so that it stays out of shell history and process lists.
 */
export function kintoCli(host: CliHost): void {
  host.program
    .command('kinto')
    .description('KintoHub-style sessions')
    .command('hash-secret')
    .description("read a client secret from stdin, print the secretHash for KINTO_CONFIG's clients")
    .action(async () => {
      if (process.stdin.isTTY) host.io.stderr('client secret (then Enter, Ctrl-D): ');
      const secret = (await host.io.stdin()).replace(/\r?\n$/, '');
      if (secret.length < 16) throw new CliError('the secret must be at least 16 characters');
      host.print({ secretHash: await hashSecret(secret) }, (r) => r.secretHash);
    });
}
