import { fork, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { load, type LoadResult } from './load';
import type { ServerMessage } from './params';

/**
 * `npm run bench`: GET /api/agora/rtc through the whole gateway (access log on) against a bare
 * node:http server calling the same builder, alternated so drift hits both alike. Besides
 * requests/s it reports each server's CPU time per request, which other load on the machine
 * disturbs far less. BENCH_SECONDS shortens the runs for a smoke run; BENCH_ROUNDS adds rounds.
 */
const seconds = Number(process.env.BENCH_SECONDS ?? 10);
const rounds = Math.max(2, Number(process.env.BENCH_ROUNDS ?? 2));
const warmupSeconds = Math.max(1, Math.min(5, Math.round(seconds / 2)));
const target = 0.85;

type Kind = 'baseline' | 'gateway';

interface Server {
  child: ChildProcess;
  url: string;
  usage(): Promise<Extract<ServerMessage, { kind: 'usage' }>>;
}

function startServer(kind: Kind): Promise<Server> {
  const child = fork(join(__dirname, 'server.ts'), [kind], {
    execArgv: ['-r', 'ts-node/register'],
    env: { ...process.env, NODE_ENV: 'production' },
  });
  const next = <K extends ServerMessage['kind']>(want: K) =>
    new Promise<Extract<ServerMessage, { kind: K }>>((resolve) => {
      const listen = (message: ServerMessage) => {
        if (message.kind !== want) return;
        child.off('message', listen);
        resolve(message as Extract<ServerMessage, { kind: K }>);
      };
      child.on('message', listen);
    });
  const usage = () => {
    const answer = next('usage');
    child.send('usage');
    return answer;
  };
  return new Promise((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`${kind} server exited with ${code}`)));
    void next('ready').then(({ url }) => resolve({ child, url, usage }));
  });
}

interface Run extends LoadResult {
  cpuMicrosPerRequest: number;
  logLinesPerRequest: number;
}

async function measure(server: Server, duration: number): Promise<Run> {
  const before = await server.usage();
  const result = await load(server.url, duration);
  const after = await server.usage();
  return {
    ...result,
    cpuMicrosPerRequest: (after.cpuMicros - before.cpuMicros) / result.requests,
    logLinesPerRequest: (after.logLines - before.logLines) / result.requests,
  };
}

const mean = (values: number[]) => values.reduce((a, b) => a + b, 0) / values.length;
const show = (r: Run) =>
  [
    `${r.requestsPerSecond.toFixed(0).padStart(6)} req/s`,
    `p99 ${r.p99Ms.toFixed(0).padStart(4)} ms`,
    `CPU ${r.cpuMicrosPerRequest.toFixed(0).padStart(4)} µs/req`,
  ].join('   ');

async function main(): Promise<void> {
  const servers: Record<Kind, Server> = {
    baseline: await startServer('baseline'),
    gateway: await startServer('gateway'),
  };
  try {
    console.log(`warming up (${warmupSeconds} s each)…`);
    await load(servers.baseline.url, warmupSeconds);
    await load(servers.gateway.url, warmupSeconds);
    const runs: Record<Kind, Run[]> = { baseline: [], gateway: [] };
    for (let round = 1; round <= rounds; round += 1) {
      for (const kind of ['baseline', 'gateway'] as const) {
        const run = await measure(servers[kind], seconds);
        runs[kind].push(run);
        console.log(`round ${round}  ${kind.padEnd(8)} ${show(run)}`);
      }
    }
    if (mean(runs.gateway.map((r) => r.logLinesPerRequest)) < 1) {
      throw new Error('the gateway did not write an access line per request');
    }
    const summary = (kind: Kind): Run => ({
      requestsPerSecond: mean(runs[kind].map((r) => r.requestsPerSecond)),
      p99Ms: mean(runs[kind].map((r) => r.p99Ms)),
      requests: runs[kind].reduce((a, r) => a + r.requests, 0),
      cpuMicrosPerRequest: mean(runs[kind].map((r) => r.cpuMicrosPerRequest)),
      logLinesPerRequest: mean(runs[kind].map((r) => r.logLinesPerRequest)),
    });
    const baseline = summary('baseline');
    const gateway = summary('gateway');
    const ratio = gateway.requestsPerSecond / baseline.requestsPerSecond;
    const cpuRatio = baseline.cpuMicrosPerRequest / gateway.cpuMicrosPerRequest;
    console.log('');
    console.log(`GET /api/agora/rtc, 50 connections, ${rounds} × ${seconds} s each, alternated`);
    console.log(`baseline (node:http + agora-token)   ${show(baseline)}`);
    console.log(`gateway  (tokengate, access log on)  ${show(gateway)}`);
    console.log(
      `ratio gateway/baseline ${ratio.toFixed(3)} req/s (target ≥ ${target}: ${ratio >= target ? 'met' : 'NOT met'}); ` +
        `by CPU per request ${cpuRatio.toFixed(3)}`,
    );
  } finally {
    servers.baseline.child.disconnect();
    servers.gateway.child.disconnect();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
