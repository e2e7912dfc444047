import { hashSecret } from './secret-hash';

/**
 * `npm run -s kinto:hash-secret [secret]`: prints the hash to put in a client's `secretHash`.
 * The secret comes from the argument or, better (it stays out of shell history), from stdin.
 */
async function readStdin(): Promise<string> {
  if (process.stdin.isTTY) process.stderr.write('client secret (then Enter, Ctrl-D): ');
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks)
    .toString('utf8')
    .replace(/\r?\n$/, '');
}

async function main(): Promise<void> {
  const secret = process.argv[2] ?? (await readStdin());
  if (secret.length < 16) {
    throw new Error('the secret must be at least 16 characters');
  }
  console.log(await hashSecret(secret));
}

main().catch((error: unknown) => {
  console.error(`kinto:hash-secret: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
