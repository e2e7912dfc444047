import { GatewayError } from '../../src/errors';

/** Runs expensive checks a few at a time, taking turns between keys. */
export interface CheckQueue {
  /**
   * Runs `check` once a slot is free and its key's turn has come. Fails at once with
   * `429 rate_limited` when `key` already has its bound of checks waiting.
   */
  run<T>(key: string, check: () => Promise<T>): Promise<T>;
}

/** Bounds of a {@link CheckQueue}. */
export interface CheckQueueOptions {
  /** Checks running at once. */
  concurrency: number;
  /** Checks waiting per key; beyond, 429. */
  maxWaitingPerKey: number;
}

const busy = () =>
  new GatewayError(
    'rate_limited',
    'too many sign-ins are being checked; retry shortly',
    undefined,
    {
      'Retry-After': '1',
    },
  );

/**
 * A bounded, fair queue: the next check is always one of the key that has had the fewest
 * turns since the queue was last idle, so a key flooding it waits behind its own checks
 * while a key that just arrived goes next. Hand-written because p-limit and p-queue have no
 * notion of per-key turns, which is what keeps a flood for one client id from delaying others.
 */
export function createCheckQueue(options: CheckQueueOptions): CheckQueue {
  const waiting = new Map<string, Array<() => void>>();
  const turns = new Map<string, number>();
  let running = 0;

  const leastServed = () => {
    let chosen: string | undefined;
    for (const key of waiting.keys()) {
      if (chosen === undefined || (turns.get(key) ?? 0) < (turns.get(chosen) ?? 0)) chosen = key;
    }
    return chosen;
  };

  const dispatch = () => {
    if (running === 0 && waiting.size === 0) turns.clear();
    while (running < options.concurrency) {
      const key = leastServed();
      if (key === undefined) return;
      const queue = waiting.get(key)!;
      const start = queue.shift()!;
      if (queue.length === 0) waiting.delete(key);
      turns.set(key, (turns.get(key) ?? 0) + 1);
      running += 1;
      start();
    }
  };

  return {
    run(key, check) {
      const queue = waiting.get(key) ?? [];
      if (queue.length >= options.maxWaitingPerKey) return Promise.reject(busy());
      return new Promise((resolve, reject) => {
        queue.push(() => {
          check()
            .then(resolve, reject)
            .finally(() => {
              running -= 1;
              dispatch();
            });
        });
        if (!waiting.has(key)) waiting.set(key, queue);
        dispatch();
      });
    },
  };
}
