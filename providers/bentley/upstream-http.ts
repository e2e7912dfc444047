import { setTimeout as sleep } from 'node:timers/promises';
import { GatewayError } from '../../src/errors';
import {
  AnswerNotTextError,
  AnswerTooLargeError,
  readLimitedText,
} from '../../src/http/limited-body';

/** What one attempt against the IMS ended with, as counted in the metrics. */
export type AttemptOutcome = 'ok' | 'rejected' | 'server_error' | 'network_error' | 'timeout';

/** A bounded, retried HTTP exchange with the IMS. */
export interface UpstreamCall {
  fetch: typeof fetch;
  url: string;
  init: RequestInit;
  /** Absolute time (ms, `Date.now()`) by which the whole exchange must end. */
  deadline: number;
  /** Aborted when the provider closes. */
  closed: AbortSignal;
  /** What the endpoint is, for messages: e.g. "token endpoint". */
  what: string;
  /** Called once per attempt, with how long it took. */
  onAttempt(outcome: AttemptOutcome, seconds: number): void;
}

/** The final answer: status and body text, read within the deadline. */
export interface UpstreamAnswer {
  status: number;
  text: string;
}

const maxAttempts = 4;
const backoffMs = (attempt: number) => 200 * 2 ** attempt * (0.75 + Math.random() / 2);

const timedOut = (what: string) =>
  new GatewayError('upstream_timeout', `${what} did not answer in time`);

/**
 * Performs the exchange, retrying network errors and 5xx answers with exponential backoff as
 * long as the deadline allows. Bodies over 1 MiB are refused unread, and not retried. Answers below 500 are returned as they are; a 5xx is returned
 * when no retry is left. Never outlives the deadline.
 */
export async function callUpstream(call: UpstreamCall): Promise<UpstreamAnswer> {
  for (let attempt = 1; ; attempt++) {
    const remaining = call.deadline - Date.now();
    if (remaining <= 0) throw timedOut(call.what);
    const signal = AbortSignal.any([AbortSignal.timeout(remaining), call.closed]);
    const started = performance.now();
    const attempted = (outcome: AttemptOutcome) =>
      call.onAttempt(outcome, (performance.now() - started) / 1000);
    let failure: GatewayError;
    try {
      const response = await call.fetch(call.url, { ...call.init, signal });
      const text = await readLimitedText(response);
      if (response.status < 500) {
        attempted(response.ok ? 'ok' : 'rejected');
        return { status: response.status, text };
      }
      attempted('server_error');
      if (attempt >= maxAttempts) return { status: response.status, text };
      failure = new GatewayError('upstream_error', `${call.what} answered HTTP ${response.status}`);
    } catch (error) {
      if (call.closed.aborted)
        throw new GatewayError('unavailable', 'the gateway is shutting down');
      if (error instanceof AnswerTooLargeError || error instanceof AnswerNotTextError) {
        attempted('rejected');
        throw new GatewayError('upstream_error', `${call.what} answered ${error.message}`);
      }
      if ((error as Error).name === 'TimeoutError' || Date.now() >= call.deadline) {
        attempted('timeout');
        throw timedOut(call.what);
      }
      attempted('network_error');
      failure = new GatewayError('upstream_error', `${call.what} is unreachable`);
      if (attempt >= maxAttempts) throw failure;
    }
    const pause = backoffMs(attempt - 1);
    if (Date.now() + pause >= call.deadline) throw failure;
    await sleep(pause, undefined, { signal: call.closed }).catch(() => undefined);
  }
}
