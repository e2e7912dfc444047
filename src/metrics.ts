/** Counters exported at `GET /metrics` in the Prometheus text format. */
export interface Metrics {
  increment(name: string, labels?: Record<string, string>, by?: number): void;
  /** The Prometheus exposition text of every counter. */
  render(): string;
}

const escape = (value: string) => value.replace(/["\\\n]/g, (c) => (c === '\n' ? '\\n' : `\\${c}`));

export function createMetrics(): Metrics {
  const counters = new Map<string, Map<string, number>>();
  // Label sets repeat, so each one is rendered once and then found by a cheap key.
  const rendered = new Map<string, string>();
  const labelText = (labels: Record<string, string>) => {
    let key = '';
    for (const name in labels) key += `${name}\u0000${labels[name]}\u0001`;
    let text = rendered.get(key);
    if (text === undefined) {
      text = Object.entries(labels)
        .sort(([a], [b]) => (a < b ? -1 : 1))
        .map(([k, v]) => `${k}="${escape(v)}"`)
        .join(',');
      rendered.set(key, text);
    }
    return text;
  };
  return {
    increment(name, labels = {}, by = 1) {
      let series = counters.get(name);
      if (!series) counters.set(name, (series = new Map()));
      const key = labelText(labels);
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
