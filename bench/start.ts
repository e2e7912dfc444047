import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { hashSecret } from '../providers/kinto/secret-hash';
import { benchApp } from './params';

const root = join(__dirname, '..');

/** All four providers configured, none of their upstreams called: what a gateway holds idle. */
const allProvidersEnv = (kintoConfig: string): NodeJS.ProcessEnv => ({
  PATH: process.env.PATH,
  HOME: process.env.HOME,
  HOST: '127.0.0.1',
  PORT: '0',
  LOG_FORMAT: 'json',
  AGORA_APP_ID: benchApp.appId,
  AGORA_APP_CERTIFICATE: benchApp.appCertificate,
  TEXTILE_USER_API_KEY: 'bench-key',
  TEXTILE_USER_API_SECRET: 'bqbeh4vmrjqvzkxkvlwvqvqeosgqd5kvbdiaunnzfo3aqgxmskrq',
  TEXTILE_HUB_URL: 'http://127.0.0.1:9',
  BENTLEY_CLIENT_ID: 'bench',
  BENTLEY_CLIENT_SECRET: 'bench-client-secret',
  BENTLEY_CALLER_ISSUER: 'http://127.0.0.1:9/',
  KINTO_CONFIG: kintoConfig,
});

/** The processes of a process group, from /proc. */
function processGroup(groupId: number): number[] {
  return readdirSync('/proc')
    .filter((name) => /^\d+$/.test(name))
    .filter((pid) => {
      try {
        const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
        // The fields after the parenthesised command name: state, parent, group.
        return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[2]) === groupId;
      } catch {
        return false;
      }
    })
    .map(Number);
}

/** The largest resident set in the group: the server's, not npm's. */
const serverRssMiB = (groupId: number) =>
  Math.max(
    ...processGroup(groupId).map((pid) => {
      const status = readFileSync(`/proc/${pid}/status`, 'utf8');
      return Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0) / 1024;
    }),
  );

const healthy = (url: string) =>
  fetch(`${url}/healthz`).then(
    (response) => response.ok,
    () => false,
  );

/**
 * `npm start` in a process group of its own (npm does not pass signals on), until `/healthz`
 * answers; after `idleMs` more, the server's resident memory.
 */
async function startOnce(env: NodeJS.ProcessEnv, idleMs: number) {
  const started = performance.now();
  const child = spawn('npm', ['start', '--silent'], {
    cwd: root,
    env,
    detached: true,
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const exited = new Promise((resolve) => child.once('exit', resolve));
  let output = '';
  child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
  try {
    for (;;) {
      const url = /"url":"(http:[^"]+)"/.exec(output)?.[1];
      if (url && (await healthy(url))) break;
      if (child.exitCode !== null) throw new Error(`npm start exited:\n${output}`);
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    const healthyAfterMs = performance.now() - started;
    await new Promise((resolve) => setTimeout(resolve, idleMs));
    return { healthyAfterMs, rssMiB: serverRssMiB(child.pid!) };
  } finally {
    process.kill(-child.pid!, 'SIGTERM');
    await exited;
  }
}

/** `npm run bench start`: time from `npm start` to a healthy `/healthz`, and idle memory. */
export async function benchStart(runs: number): Promise<void> {
  console.log(`\n== npm start with all four providers configured, ${runs} runs`);
  const dir = mkdtempSync(join(tmpdir(), 'tokengate-bench-'));
  const config = join(dir, 'kinto.json');
  writeFileSync(
    config,
    JSON.stringify({
      clients: [{ clientId: 'bench', secretHash: await hashSecret('bench-client-secret-0123') }],
      services: [{ name: 'echo', upstream: 'http://127.0.0.1:9' }],
    }),
  );
  try {
    const times: number[] = [];
    for (let run = 1; run <= runs; run += 1) {
      const { healthyAfterMs } = await startOnce(allProvidersEnv(config), 0);
      times.push(healthyAfterMs);
      console.log(`  run ${run}  /healthz after ${healthyAfterMs.toFixed(0)} ms`);
    }
    const { rssMiB } = await startOnce(allProvidersEnv(config), 5_000);
    times.sort((a, b) => a - b);
    const median = times[Math.floor(times.length / 2)]!;
    console.log(
      `  npm start → /healthz: median ${median.toFixed(0)} ms (min ${times[0]!.toFixed(0)}, ` +
        `max ${times.at(-1)!.toFixed(0)}; target ≤ 1500: ${median <= 1500 ? 'met' : 'NOT met'})`,
    );
    console.log(
      `  idle RSS after 5 s: ${rssMiB.toFixed(1)} MiB (target ≤ 100: ${rssMiB <= 100 ? 'met' : 'NOT met'})`,
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
