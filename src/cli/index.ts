import { parse } from 'dotenv';
import { existsSync, readFileSync } from 'node:fs';
import { runCli } from './program';

/** `tokengate …`: reads `.env` like the server does (the process environment wins). */
async function main(): Promise<void> {
  const file = existsSync('.env') ? parse(readFileSync('.env')) : {};
  const code = await runCli(process.argv.slice(2), {
    env: { ...file, ...process.env },
    io: {
      stdout: (text) => process.stdout.write(text),
      stderr: (text) => process.stderr.write(text),
      async stdin() {
        const chunks: Buffer[] = [];
        for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
        return Buffer.concat(chunks).toString('utf8');
      },
    },
  });
  process.exitCode = code;
}

main().catch((error: unknown) => {
  console.error(`tokengate: ${error instanceof Error ? error.message : String(error)}`);
  process.exitCode = 1;
});
