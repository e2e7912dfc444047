import autocannon from 'autocannon';
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { promisify } from 'node:util';

/** One measured run against one server. */
export interface LoadResult {
  requestsPerSecond: number;
  p50Ms: number;
  p99Ms: number;
  requests: number;
}

/** What to send, how hard and how long. */
export interface LoadPlan {
  url: string;
  connections: number;
  seconds: number;
  headers?: Record<string, string>;
}

/** wrk is a C program and leaves the servers more of this small machine than autocannon. */
export const loadTool = existsSync('/usr/bin/wrk') ? 'wrk' : 'autocannon';

const toMs = (value: string, unit: string) =>
  Number(value) * ({ us: 0.001, ms: 1, s: 1000 } as Record<string, number>)[unit]!;

async function wrk(plan: LoadPlan): Promise<LoadResult> {
  const args = ['-t1', `-c${plan.connections}`, `-d${plan.seconds}s`, '--latency'];
  for (const [name, value] of Object.entries(plan.headers ?? {}))
    args.push('-H', `${name}: ${value}`);
  const { stdout } = await promisify(execFile)('wrk', [...args, plan.url]);
  const failed = /Non-2xx or 3xx responses: (\d+)|Socket errors: (.*)/.exec(stdout);
  if (failed) throw new Error(`${plan.url}: ${failed[0]}`);
  const percentile = (p: string) => {
    const match = new RegExp(`^\\s+${p}%\\s+([\\d.]+)(us|ms|s)$`, 'm').exec(stdout);
    return match ? toMs(match[1]!, match[2]!) : NaN;
  };
  return {
    requestsPerSecond: Number(/Requests\/sec:\s+([\d.]+)/.exec(stdout)?.[1]),
    p50Ms: percentile('50'),
    p99Ms: percentile('99'),
    requests: Number(/(\d+) requests in/.exec(stdout)?.[1]),
  };
}

async function cannon(plan: LoadPlan): Promise<LoadResult> {
  const result = await autocannon({
    url: plan.url,
    connections: plan.connections,
    duration: plan.seconds,
    headers: plan.headers,
  });
  if (result.non2xx > 0 || result.errors > 0 || result.timeouts > 0) {
    throw new Error(
      `${plan.url}: ${result.non2xx} non-2xx, ${result.errors} errors, ${result.timeouts} timeouts`,
    );
  }
  return {
    requestsPerSecond: result.requests.average,
    p50Ms: result.latency.p50,
    p99Ms: result.latency.p99,
    requests: result.requests.total,
  };
}

/** Runs the plan; any non-2xx answer or socket error fails the bench. */
export const load = (plan: LoadPlan) => (loadTool === 'wrk' ? wrk(plan) : cannon(plan));
