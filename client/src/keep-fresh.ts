import { retryUntilDone, type RetryOptions } from './retry.js';

/** When {@link keepFresh} fetches again, and how it retries. */
export interface KeepFreshOptions extends RetryOptions {
  /** Seconds before expiry to fetch the next token; default 30. */
  before?: number;
}

/** The longest delay `setTimeout` honours (about 24.8 days). */
const maxTimerMs = 2 ** 31 - 1;

/**
 * Calls `fetchToken` now and again `before` seconds before each answer's `expiresIn` runs out
 * (at half its lifetime when that is shorter than `before`, at least a second apart), retrying
 * failures with backoff. Do the renewal inside `fetchToken` (e.g. mint, then hand the token to
 * your SDK). Returns the function that stops it.
 */
export function keepFresh(
  fetchToken: () => Promise<{ expiresIn: number }>,
  options: KeepFreshOptions = {},
): () => void {
  const beforeMs = (options.before ?? 30) * 1000;
  let cancelAttempts = () => {};
  let timer: ReturnType<typeof setTimeout> | undefined;
  const refresh = () => {
    cancelAttempts = retryUntilDone(async (signal) => {
      const { expiresIn } = await fetchToken();
      if (signal.aborted) return;
      const lifetimeMs = expiresIn * 1000;
      const delayMs = lifetimeMs > beforeMs ? lifetimeMs - beforeMs : lifetimeMs / 2;
      timer = setTimeout(refresh, Math.min(Math.max(delayMs, 1_000), maxTimerMs));
    }, options);
  };
  refresh();
  return () => {
    cancelAttempts();
    clearTimeout(timer);
  };
}
