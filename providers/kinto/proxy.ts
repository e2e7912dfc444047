import { Transform, type Readable, type Writable } from 'node:stream';
import type { Dispatcher } from 'undici';
import { GatewayError } from '../../src/errors';
import type { KintoService } from './config-file';

/** One call to a service's upstream. */
export interface UpstreamCall {
  service: KintoService;
  method: string;
  /** Path below the service, raw as received, starting with `/`. */
  path: string;
  /** Raw query string including its `?`, or empty. */
  query: string;
  headers: Record<string, string | string[]>;
  /** The client's body, streamed; undefined when the request has none. */
  body: Readable | undefined;
  maxBodyBytes: number;
  /** Aborts the upstream call, e.g. when the client goes away. */
  signal: AbortSignal;
}

const timeoutCodes = new Set([
  'UND_ERR_HEADERS_TIMEOUT',
  'UND_ERR_CONNECT_TIMEOUT',
  'UND_ERR_BODY_TIMEOUT',
]);

const tooLarge = (limit: number) =>
  new GatewayError('payload_too_large', `request body is larger than ${limit} bytes`);

/**
 * Counts the body's bytes on their way through and stops past `limit`. The source is only
 * unpiped, not destroyed, so the client still gets the 413.
 */
function limitBody(source: Readable, limit: number, onOverflow: () => void): Readable {
  let seen = 0;
  const counter = new Transform({
    transform(chunk: Buffer, _encoding, done) {
      seen += chunk.length;
      if (seen <= limit) return done(null, chunk);
      onOverflow();
      source.unpipe(counter);
      done(tooLarge(limit));
    },
  });
  source.once('close', () => {
    if (!source.readableEnded) counter.destroy(new Error('client closed the request'));
  });
  return source.pipe(counter);
}

/** What undici takes for one call, built once for both ways of calling. */
function requestOptions(call: UpstreamCall, onOverflow: () => void) {
  const { service, maxBodyBytes } = call;
  const declared = Number(call.headers['content-length'] ?? 0);
  if (declared > maxBodyBytes) throw tooLarge(maxBodyBytes);
  return {
    origin: service.origin,
    path: `${service.basePath}${call.path}${call.query}`,
    method: call.method as Dispatcher.HttpMethod,
    headers: call.headers,
    body: call.body && limitBody(call.body, maxBodyBytes, onOverflow),
    signal: call.signal,
    headersTimeout: service.timeoutMs,
    bodyTimeout: service.timeoutMs,
  };
}

/** Turns undici's failure of `call` into the error the client sees. */
function failure(call: UpstreamCall, error: unknown, overflowed: boolean): GatewayError {
  const { service } = call;
  if (overflowed) return tooLarge(call.maxBodyBytes);
  if (error instanceof GatewayError) return error;
  const code = (error as { code?: string }).code ?? '';
  if (timeoutCodes.has(code)) {
    return new GatewayError(
      'upstream_timeout',
      `service "${service.name}" did not answer within ${service.timeoutMs} ms`,
    );
  }
  return new GatewayError('upstream_error', `service "${service.name}" could not be reached`);
}

/** Sends the call upstream and resolves once the response's headers have arrived. */
export async function callUpstream(
  dispatcher: Dispatcher,
  call: UpstreamCall,
): Promise<Dispatcher.ResponseData> {
  let overflowed = false;
  try {
    return await dispatcher.request(requestOptions(call, () => (overflowed = true)));
  } catch (error) {
    throw failure(call, error, overflowed);
  }
}

/**
 * How {@link streamUpstream} ended once the answer had begun: whole, cut short by the service
 * (or its timeout), or given up because the client left.
 */
export type StreamEnd = 'complete' | 'truncated' | 'client_closed';

/**
 * Sends the call upstream and writes the answer's body straight into the writable that
 * `onHeaders` returns (undici's `stream()`: no intermediate readable, which makes the common
 * proxy leg several times cheaper). Failures before the headers are GatewayErrors; after them
 * undici has already destroyed the writable, and the call resolves with what happened.
 */
export async function streamUpstream(
  dispatcher: Dispatcher,
  call: UpstreamCall,
  onHeaders: (statusCode: number, headers: Dispatcher.ResponseData['headers']) => Writable,
): Promise<StreamEnd> {
  let overflowed = false;
  let started = false;
  try {
    await dispatcher.stream(
      requestOptions(call, () => (overflowed = true)),
      ({ statusCode, headers }) => {
        started = true;
        return onHeaders(statusCode, headers);
      },
    );
    return 'complete';
  } catch (error) {
    if (started) return error === call.signal.reason ? 'client_closed' : 'truncated';
    throw failure(call, error, overflowed);
  }
}
