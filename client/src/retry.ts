import { TokengateError } from './errors.js';

/** How failed attempts are retried: the delay doubles from `firstDelayMs` up to `maxDelayMs`. */
export interface RetryOptions {
  /** Default 1000. */
  firstDelayMs?: number;
  /** Default 30000. */
  maxDelayMs?: number;
  /** Told of every failure; `willRetry` is false when the error is final. */
  onError?: (error: unknown, willRetry: boolean) => void;
}

/**
 * Answers that another attempt cannot change: a bad request, a refusal by policy. A 401 is
 * retried because `callerToken()` may return a fresh token next time.
 */
const isFinal = (error: unknown) =>
  error instanceof TokengateError &&
  error.status >= 400 &&
  error.status < 500 &&
  ![401, 408, 429].includes(error.status);

/**
 * Runs `attempt` until it succeeds, fails for good, or the returned cancel function is called.
 * The attempt gets a signal that is aborted on cancel, to skip its side effects after that.
 */
export function retryUntilDone(
  attempt: (signal: AbortSignal) => Promise<void>,
  options: RetryOptions = {},
): () => void {
  const { firstDelayMs = 1_000, maxDelayMs = 30_000, onError } = options;
  const controller = new AbortController();
  let timer: ReturnType<typeof setTimeout> | undefined;
  const run = async (delayMs: number) => {
    try {
      await attempt(controller.signal);
    } catch (error) {
      if (controller.signal.aborted) return;
      const final = isFinal(error);
      onError?.(error, !final);
      if (final) return;
      const askedMs = error instanceof TokengateError ? (error.retryAfter ?? 0) * 1000 : 0;
      timer = setTimeout(() => run(Math.min(delayMs * 2, maxDelayMs)), Math.max(delayMs, askedMs));
    }
  };
  void run(firstDelayMs);
  return () => {
    controller.abort();
    clearTimeout(timer);
  };
}
