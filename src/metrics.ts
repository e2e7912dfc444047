/** Counters exported at `GET /metrics` in the Prometheus text format. */
export interface Metrics {
  increment(name: string, labels?: Record<string, string>, by?: number): void;
  /** The Prometheus exposition text of every counter. */
  render(): string;
}

const escape = (value: string) => value.replace(/["\\\n]/g, (c) => (c === '\n' ? '\\n' : `\\${c}`));

export function createMetrics(): Metrics {
  const counters = new Map<string, Map<string, number>>();
  return {
    increment(name, labels = {}, by = 1) {
      const series = counters.get(name) ?? new Map<string, number>();
      counters.set(name, series);
      const key = Object.entries(labels)
        .sort(([a], [b]) => a.localeCompare(b))
        .map(([k, v]) => `${k}="${escape(v)}"`)
        .join(',');
      series.set(key, (series.get(key) ?? 0) + by);
    },
    render() {
      const lines: string[] = [];
      for (const [name, series] of counters) {
        lines.push(`# TYPE ${name} counter`);
        for (const [key, value] of series) lines.push(`${name}${key ? `{${key}}` : ''} ${value}`);
      }
      return `${lines.join('\n')}\n`;
    },
  };
}
