import autocannon from 'autocannon';
import { benchPath } from './params';

/** One measured run against one server. */
export interface LoadResult {
  requestsPerSecond: number;
  p99Ms: number;
  requests: number;
}

/** Runs autocannon with 50 connections; any non-2xx answer or socket error fails the bench. */
export async function load(url: string, seconds: number): Promise<LoadResult> {
  const result = await autocannon({
    url: `${url}${benchPath}`,
    connections: 50,
    duration: seconds,
  });
  if (result.non2xx > 0 || result.errors > 0 || result.timeouts > 0) {
    throw new Error(
      `${url}: ${result.non2xx} non-2xx, ${result.errors} errors, ${result.timeouts} timeouts`,
    );
  }
  return {
    requestsPerSecond: result.requests.average,
    p99Ms: result.latency.p99,
    requests: result.requests.total,
  };
}
