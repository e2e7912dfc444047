import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const entry = resolve(__dirname, '../src/index.ts');
const tsNode = require.resolve('ts-node/register/transpile-only');

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Starts `src/index.ts` as `npm start` would, in an empty directory (so no `.env` is read). */
function start(env: Record<string, string>, onLine?: (line: string, kill: () => void) => void) {
  const child = spawn(process.execPath, ['-r', tsNode, entry], {
    cwd: mkdtempSync(join(tmpdir(), 'tokengate-boot-')),
    env: {
      PATH: process.env.PATH ?? '',
      TS_NODE_PROJECT: resolve(__dirname, '../tsconfig.json'),
      NODE_ENV: 'production',
      HOST: '127.0.0.1',
      ...env,
    },
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => {
    stdout += chunk;
    for (const line of chunk.toString().split('\n')) onLine?.(line, () => child.kill('SIGTERM'));
  });
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk));
  return new Promise<Run>((done) => child.on('exit', (code) => done({ code, stdout, stderr })));
}

describe('boot', () => {
  it('refuses to start with nothing configured and says how to fix it', async () => {
    const run = await start({});
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('No provider is configured');
    expect(run.stderr).toContain('npm run demo');
  });

  it('lists every configuration problem, without a stack trace or the values', async () => {
    const run = await start({
      PORT: 'eighty',
      AGORA_APP_ID: 'not-hex',
      AGORA_APP_CERTIFICATE: 'secret-cert-value',
    });
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('PORT: must be a port number');
    expect(run.stderr).toContain('agora: AGORA_APP_ID');
    expect(run.stderr).toContain('agora: AGORA_APP_CERTIFICATE');
    expect(run.stderr).not.toMatch(/\n\s+at /);
    expect(run.stderr).not.toContain('secret-cert-value');
  });

  it('stops on an unknown provider id', async () => {
    const run = await start({ PROVIDERS: 'agora,nope' });
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('PROVIDERS: unknown provider "nope"');
  });

  it('serves, then shuts down cleanly on SIGTERM', async () => {
    let url = '';
    let health: unknown;
    const run = await start(
      {
        PORT: '0',
        AGORA_APP_ID: '0123456789abcdef0123456789abcdef',
        AGORA_APP_CERTIFICATE: 'fedcba9876543210fedcba9876543210',
      },
      (line, kill) => {
        const found = /url=(http:\/\/\S+)/.exec(line)?.[1];
        if (!found || url) return;
        url = found;
        fetch(`${url}/healthz`)
          .then((r) => r.json())
          .then((body) => (health = body))
          .finally(kill);
      },
    );
    expect(health).toEqual({ status: 'ok' });
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('shutting down');
  });
});
