import { Transform, type Readable } from 'node:stream';
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

/** Sends the call upstream and resolves once the response's headers have arrived. */
export async function callUpstream(
  dispatcher: Dispatcher,
  call: UpstreamCall,
): Promise<Dispatcher.ResponseData> {
  const { service, maxBodyBytes } = call;
  const declared = Number(call.headers['content-length'] ?? 0);
  if (declared > maxBodyBytes) throw tooLarge(maxBodyBytes);
  let overflowed = false;
  const body = call.body && limitBody(call.body, maxBodyBytes, () => (overflowed = true));
  try {
    return await dispatcher.request({
      origin: service.origin,
      path: `${service.basePath}${call.path}${call.query}`,
      method: call.method as Dispatcher.HttpMethod,
      headers: call.headers,
      body,
      signal: call.signal,
      headersTimeout: service.timeoutMs,
      bodyTimeout: service.timeoutMs,
    });
  } catch (error) {
    if (overflowed) throw tooLarge(maxBodyBytes);
    const code = (error as { code?: string }).code ?? '';
    if (timeoutCodes.has(code)) {
      throw new GatewayError(
        'upstream_timeout',
        `service "${service.name}" did not answer within ${service.timeoutMs} ms`,
      );
    }
    throw new GatewayError('upstream_error', `service "${service.name}" could not be reached`);
  }
}
