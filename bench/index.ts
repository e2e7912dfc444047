import { fork, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { hashSecret } from '../providers/kinto/secret-hash';
import { load, loadTool, type LoadResult } from './load';
import { startNginx } from './nginx';
import { benchStart } from './start';
import { agoraPath, benchApp, kintoPath, kintoService, type ServerMessage } from './params';

/**
 * `npm run bench [agora|kinto|start]`: the gateway against baselines, each in a process of its own,
 * measured in the same run and alternated round by round so that the machine's drift hits all
 * alike. Besides requests/s it reports each server's CPU time per request, which other load on
 * the machine disturbs far less. BENCH_SECONDS shortens the runs; BENCH_ROUNDS adds rounds;
 * BENCH_RATE_LIMIT sets the gateways' RATE_LIMIT. `start` times `npm start` to a healthy
 * `/healthz` (BENCH_START_RUNS runs) and reads the idle server's resident memory.
 */
const seconds = Number(process.env.BENCH_SECONDS ?? 10);
const rounds = Math.max(2, Number(process.env.BENCH_ROUNDS ?? 2));
const warmupSeconds = Math.max(1, Math.min(5, Math.round(seconds / 2)));
const logFormat = process.env.BENCH_LOG_FORMAT ?? 'json';
// Rate limiting stays on, as in production, with a limit the load never reaches.
const gatewayEnv = {
  LOG_FORMAT: logFormat,
  RATE_LIMIT: process.env.BENCH_RATE_LIMIT ?? '100000000/m',
};

interface Server {
  url: string;
  child: ChildProcess;
  /** Lines the server wrote to stdout so far (its access log). */
  lines(): number;
  usage(): Promise<number>;
}

function startServer(kind: string, env: NodeJS.ProcessEnv = {}): Promise<Server> {
  const child = fork(join(__dirname, 'server.ts'), [kind], {
    execArgv: ['-r', 'ts-node/register/transpile-only'],
    env: { ...process.env, NODE_ENV: 'production', ...env },
    stdio: ['ignore', 'pipe', 'inherit', 'ipc'],
  });
  let lines = 0;
  child.stdout!.on('data', (chunk: Buffer) => {
    for (const byte of chunk) if (byte === 10) lines += 1;
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
  return new Promise((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`${kind} server exited with ${code}`)));
    void next('ready').then(({ url }) =>
      resolve({
        url,
        child,
        lines: () => lines,
        usage: () => {
          const answer = next('usage').then((m) => m.cpuMicros);
          child.send('usage');
          return answer;
        },
      }),
    );
  });
}

interface Variant {
  name: string;
  url: string;
  headers?: Record<string, string>;
  server?: Server;
}

interface Run extends LoadResult {
  cpuMicrosPerRequest: number;
  linesPerRequest: number;
}

async function measure(variant: Variant, path: string, connections: number, duration: number) {
  const cpuBefore = await variant.server?.usage();
  const linesBefore = variant.server?.lines() ?? 0;
  const result = await load({
    url: `${variant.url}${path}`,
    connections,
    seconds: duration,
    headers: variant.headers,
  });
  const cpuAfter = await variant.server?.usage();
  return {
    ...result,
    cpuMicrosPerRequest: cpuBefore === undefined ? NaN : (cpuAfter! - cpuBefore) / result.requests,
    linesPerRequest: ((variant.server?.lines() ?? 0) - linesBefore) / result.requests,
  };
}

const mean = (values: number[]) => values.reduce((a, b) => a + b, 0) / values.length;
const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
};
const show = (r: Run) =>
  [
    `${r.requestsPerSecond.toFixed(0).padStart(6)} req/s`,
    `p50 ${r.p50Ms.toFixed(2).padStart(6)} ms`,
    `p99 ${r.p99Ms.toFixed(1).padStart(5)} ms`,
    Number.isNaN(r.cpuMicrosPerRequest)
      ? ''
      : `CPU ${r.cpuMicrosPerRequest.toFixed(0).padStart(4)} µs/req`,
  ].join('   ');

/** Alternated rounds over every variant, after a warm-up; the mean of each figure per variant. */
async function compare(variants: Variant[], path: string, connections: number) {
  for (const variant of variants) await measure(variant, path, connections, warmupSeconds);
  const runs = new Map<string, Run[]>(variants.map((v) => [v.name, []]));
  for (let round = 1; round <= rounds; round += 1) {
    // Each round starts with the next variant, so no variant is always measured first.
    const order = variants.map((_, i) => variants[(i + round - 1) % variants.length]!);
    for (const variant of order) {
      const run = await measure(variant, path, connections, seconds);
      runs.get(variant.name)!.push(run);
      console.log(`  round ${round}  ${variant.name.padEnd(16)} ${show(run)}`);
    }
  }
  return new Map(
    [...runs].map(([name, list]) => [
      name,
      {
        requestsPerSecond: mean(list.map((r) => r.requestsPerSecond)),
        p50Ms: median(list.map((r) => r.p50Ms)),
        p99Ms: mean(list.map((r) => r.p99Ms)),
        requests: list.reduce((a, r) => a + r.requests, 0),
        cpuMicrosPerRequest: mean(list.map((r) => r.cpuMicrosPerRequest)),
        linesPerRequest: mean(list.map((r) => r.linesPerRequest)),
      } satisfies Run,
    ]),
  );
}

const verdict = (ok: boolean) => (ok ? 'met' : 'NOT met');

async function benchAgora(): Promise<void> {
  console.log(
    `\n== Agora: GET ${agoraPath}, 50 connections, ${rounds} × ${seconds} s, ${loadTool}`,
  );
  const servers = {
    node: await startServer('node-agora'),
    koa: await startServer('koa-agora'),
    gateway: await startServer('gateway', {
      AGORA_APP_ID: benchApp.appId,
      AGORA_APP_CERTIFICATE: benchApp.appCertificate,
      ...gatewayEnv,
    }),
  };
  try {
    const results = await compare(
      Object.entries(servers).map(([name, server]) => ({ name, url: server.url, server })),
      agoraPath,
      50,
    );
    const [node, koa, gateway] = ['node', 'koa', 'gateway'].map((n) => results.get(n)!);
    if (gateway!.linesPerRequest < 1)
      throw new Error('the gateway wrote no access line per request');
    console.log('');
    console.log(`  node:http + agora-token          ${show(node!)}`);
    console.log(`  minimal Koa + @koa/router        ${show(koa!)}`);
    console.log(`  gateway (access log to a pipe)   ${show(gateway!)}`);
    const toKoa = gateway!.requestsPerSecond / koa!.requestsPerSecond;
    console.log(
      `  gateway/minimal-Koa ${toKoa.toFixed(3)} req/s (target ≥ 0.90: ${verdict(toKoa >= 0.9)}), ` +
        `${(koa!.cpuMicrosPerRequest / gateway!.cpuMicrosPerRequest).toFixed(3)} by CPU per request; ` +
        `gateway/node:http ${(gateway!.requestsPerSecond / node!.requestsPerSecond).toFixed(3)}`,
    );
  } finally {
    Object.values(servers).forEach((s) => s.child.disconnect());
  }
}

async function sessionToken(url: string, client: { clientId: string; clientSecret: string }) {
  const response = await fetch(`${url}/api/kinto/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(client),
  });
  if (!response.ok) throw new Error(`no session token from ${url}: ${response.status}`);
  return ((await response.json()) as { token: string }).token;
}

async function benchKinto(): Promise<void> {
  console.log(`\n== Kinto proxy: GET ${kintoPath}, ${rounds} × ${seconds} s, ${loadTool}`);
  const upstream = await startServer('upstream');
  const dir = mkdtempSync(join(tmpdir(), 'tokengate-bench-'));
  const client = { clientId: 'bench', clientSecret: 'bench-client-secret-0123456789' };
  const config = join(dir, 'kinto.json');
  writeFileSync(
    config,
    JSON.stringify({
      clients: [
        {
          clientId: client.clientId,
          secretHash: await hashSecret(client.clientSecret, { N: 1024, r: 8, p: 1 }),
        },
      ],
      services: [{ name: kintoService, upstream: upstream.url }],
    }),
  );
  const kintoEnv = { KINTO_CONFIG: config, ...gatewayEnv };
  const servers = {
    'node proxy': await startServer('node-proxy', { BENCH_UPSTREAM: upstream.url }),
    'gateway (memory)': await startServer('gateway', kintoEnv),
    'gateway (redis)': await startServer('gateway', {
      ...kintoEnv,
      REDIS_URL: process.env.BENCH_REDIS_URL ?? 'redis://127.0.0.1:6379/15',
      REDIS_KEY_PREFIX: `tokengate-bench:${process.pid}:`,
    }),
  };
  const nginx = await startNginx(upstream.url);
  try {
    const variants: Variant[] = [];
    for (const [name, server] of Object.entries(servers)) {
      const headers = name.startsWith('gateway')
        ? { 'Kinto-Authorization': `Bearer ${await sessionToken(server.url, client)}` }
        : undefined;
      variants.push({ name, url: server.url, server, headers });
    }
    if (nginx) variants.push({ name: 'nginx', url: nginx.url });
    console.log(' 50 connections:');
    const busy = await compare(variants, kintoPath, 50);
    console.log(' 1 connection:');
    const single = await compare(variants, kintoPath, 1);
    const base = busy.get('node proxy')!;
    console.log('');
    for (const [name, run] of busy) {
      console.log(`  ${name.padEnd(17)} 50 conn: ${show(run)}`);
      console.log(`  ${''.padEnd(17)}  1 conn: ${show(single.get(name)!)}`);
    }
    const memory = busy.get('gateway (memory)')!.requestsPerSecond / base.requestsPerSecond;
    const redis = busy.get('gateway (redis)')!.requestsPerSecond / base.requestsPerSecond;
    const latency = single.get('gateway (memory)')!.p50Ms / single.get('node proxy')!.p50Ms;
    const latencyRedis = single.get('gateway (redis)')!.p50Ms / single.get('node proxy')!.p50Ms;
    console.log(
      `  gateway (memory)/node proxy ${memory.toFixed(3)} req/s (target ≥ 0.75: ${verdict(memory >= 0.75)})`,
    );
    console.log(
      `  gateway (redis)/node proxy  ${redis.toFixed(3)} req/s (target ≥ 0.60: ${verdict(redis >= 0.6)})`,
    );
    console.log(
      `  p50 at 1 connection: gateway (memory) ${latency.toFixed(2)} × node proxy (target ≤ 1.25: ${verdict(latency <= 1.25)}); ` +
        `gateway (redis) ${latencyRedis.toFixed(2)} ×`,
    );
    if (nginx) {
      console.log(
        `  nginx/node proxy ${(busy.get('nginx')!.requestsPerSecond / base.requestsPerSecond).toFixed(3)} req/s (information)`,
      );
    }
  } finally {
    nginx?.close();
    [...Object.values(servers), upstream].forEach((s) => s.child.disconnect());
    rmSync(dir, { recursive: true, force: true });
  }
}

async function main(): Promise<void> {
  const which = process.argv[2] ?? 'all';
  if (which === 'all' || which === 'agora') await benchAgora();
  if (which === 'all' || which === 'kinto') await benchKinto();
  if (which === 'all' || which === 'start')
    await benchStart(Number(process.env.BENCH_START_RUNS ?? 9));
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
