import { Counter, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/** Label values of one observation. */
export type Labels<L extends string> = Partial<Record<L, string | number>>;

/** How a call to a dependency ended, as the `outcome` label of the upstream histogram. */
export type UpstreamOutcome = string;

/**
 * The gateway's Prometheus metrics (prom-client), served at `GET /metrics`. Each gateway has
 * its own registry, so several gateways in one process (tests) never share a series.
 */
export interface Metrics {
  /** A counter; asking again for the same name returns the registered one. */
  counter<L extends string>(name: string, help: string, labelNames: readonly L[]): Counter<L>;
  /** A histogram in seconds; asking again for the same name returns the registered one. */
  histogram<L extends string>(
    name: string,
    help: string,
    labelNames: readonly L[],
    buckets?: number[],
  ): Histogram<L>;
  /**
   * Records one call to a dependency (IMS, hub, a Kinto service, Redis) in
   * `tokengate_upstream_duration_seconds{provider,upstream,outcome}`.
   */
  upstream(provider: string, upstream: string, outcome: UpstreamOutcome, seconds: number): void;
  /** Counts one issued token in `tokengate_tokens_issued_total{provider,type}`. */
  tokenIssued(provider: string, type: string): void;
  /** The Prometheus exposition text. */
  render(): Promise<string>;
  readonly contentType: string;
}

/** Request durations: most answers take well under 10 ms; upstream calls up to seconds. */
const requestBuckets = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

/** Creates the metrics; `defaults` adds Node's process and event-loop-lag metrics. */
export function createMetrics(options: { defaults?: boolean } = {}): Metrics {
  const registry = new Registry();
  if (options.defaults ?? true) collectDefaultMetrics({ register: registry, prefix: 'tokengate_' });

  const counter = <L extends string>(name: string, help: string, labelNames: readonly L[]) =>
    (registry.getSingleMetric(name) as Counter<L> | undefined) ??
    new Counter<L>({ name, help, labelNames, registers: [registry] });
  const histogram = <L extends string>(
    name: string,
    help: string,
    labelNames: readonly L[],
    buckets = requestBuckets,
  ) =>
    (registry.getSingleMetric(name) as Histogram<L> | undefined) ??
    new Histogram<L>({ name, help, labelNames, buckets, registers: [registry] });

  const upstreamDuration = histogram(
    'tokengate_upstream_duration_seconds',
    'Calls to dependencies (IMS, hub, Kinto services, Redis) by outcome',
    ['provider', 'upstream', 'outcome'],
  );
  const issued = counter('tokengate_tokens_issued_total', 'Tokens issued', ['provider', 'type']);

  return {
    counter,
    histogram,
    upstream: (provider, upstream, outcome, seconds) =>
      upstreamDuration.observe({ provider, upstream, outcome }, seconds),
    tokenIssued: (provider, type) => issued.inc({ provider, type }),
    render: () => registry.metrics(),
    contentType: registry.contentType,
  };
}
