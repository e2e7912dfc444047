import type { Context } from 'koa';
import { GatewayError } from '../../src/errors';
import type { Session } from '../../src/session-store';
import type { KintoService } from './config-file';
import { callUpstream, streamUpstream } from './proxy';
import type { KintoRouteDeps } from './routes';
import {
  readSessionFields,
  splitResponseHeaders,
  unauthorized,
  upstreamRequestHeaders,
} from './session-headers';
import { upstreamTarget } from './target';

const noFields: ReadonlySet<string> = new Set();
const noWrites: readonly string[] = [];

/** A live session and the token that named it. */
export interface Authenticated {
  token: string;
  session: Session;
}

/**
 * The proxy leg as a Koa handler: checks the service's required fields, streams the call
 * upstream, takes the declared writes into the session and streams the answer back. Without
 * a session (public route) no field goes either way. Services that write no session field
 * answer straight into the client's response; the others are read through Koa, because their
 * headers must be stored in the session before anything is sent.
 */
export function createForwarder(r: KintoRouteDeps) {
  const { setup, sessions, deps } = r;
  const proxied = deps.metrics.counter(
    'tokengate_kinto_proxy_total',
    'Proxied calls by service and outcome (upstream status, or what went wrong)',
    ['service', 'outcome'],
  );
  const sessionWrites = deps.metrics.counter(
    'tokengate_kinto_session_writes_total',
    'Session fields written by services, by outcome',
    ['service', 'outcome'],
  );
  const count = (labels: { service: string; outcome: string }) => proxied.inc(labels);
  /** A client that went away is no upstream failure: counted apart, and not warned about. */
  const reportFailure = (ctx: Context, service: KintoService, code: string, gone: boolean) => {
    count({ service: service.name, outcome: gone ? 'client_closed' : code });
    deps.logger[gone ? 'debug' : 'warn']('upstream call failed', {
      service: service.name,
      code: gone ? 'client_closed' : code,
      requestId: ctx.state.requestId,
    });
  };
  const reportTruncated = (ctx: Context, service: KintoService) => {
    count({ service: service.name, outcome: 'truncated' });
    deps.logger.warn('upstream answer truncated; the client connection is cut', {
      service: service.name,
      requestId: ctx.state.requestId,
    });
  };

  return async (ctx: Context, service: KintoService, skip: number, session?: Authenticated) => {
    const target = upstreamTarget(ctx.req.url ?? '/', skip);
    const read = readSessionFields(service, session?.session.data ?? {});
    if ('missing' in read) {
      count({ service: service.name, outcome: 'session_field_missing' });
      throw unauthorized(`service "${service.name}" needs the session field "${read.missing}"`);
    }
    const incoming = ctx.req.headers;
    const hasBody =
      incoming['transfer-encoding'] !== undefined || Number(incoming['content-length'] ?? 0) > 0;
    const aborted = new AbortController();
    // Only a client that leaves before the answer is complete aborts the call.
    ctx.res.once('close', () => {
      if (!ctx.res.writableFinished) aborted.abort();
    });
    const started = performance.now();
    const observe = (outcome: string) =>
      deps.metrics.upstream('kinto', service.name, outcome, (performance.now() - started) / 1000);
    const call = {
      service,
      method: ctx.method,
      ...target,
      headers: upstreamRequestHeaders(
        incoming,
        setup.sessionFields,
        session ? read.headers : {},
        { client: deps.client(ctx), requestId: ctx.state.requestId },
        hasBody,
      ),
      body: hasBody ? ctx.req : undefined,
      maxBodyBytes: r.maxBodyBytes,
      signal: aborted.signal,
    };
    const failed = (error: unknown): never => {
      const code = error instanceof GatewayError ? error.code : 'internal_error';
      observe(code);
      reportFailure(ctx, service, code, aborted.signal.aborted);
      throw error;
    };

    if (!session || service.writes.length === 0) {
      // Nothing to take into a session: the answer goes straight from the service to the client.
      const end = await streamUpstream(r.dispatcher, call, (statusCode, upstreamHeaders) => {
        const { headers } = splitResponseHeaders(
          upstreamHeaders,
          noWrites,
          session ? noFields : setup.sessionFields,
        );
        observe(String(statusCode));
        count({ service: service.name, outcome: String(statusCode) });
        ctx.status = statusCode;
        ctx.respond = false;
        ctx.res.writeHead(statusCode, headers);
        return ctx.res;
      }).catch(failed);
      if (end === 'truncated') reportTruncated(ctx, service);
      return;
    }

    const response = await callUpstream(r.dispatcher, call).catch(failed);
    observe(String(response.statusCode));
    // Listened to at once: the body may fail (client gone, service dying mid-answer) while the
    // session is being written, and an unheard stream error would end the process.
    response.body.once('error', () => {
      if (!aborted.signal.aborted) reportTruncated(ctx, service);
    });
    try {
      const { headers, changes } = splitResponseHeaders(response.headers, service.writes, noFields);
      if (Object.keys(changes).length > 0) {
        const written = await sessions.write(session.token, changes);
        sessionWrites.inc({ service: service.name, outcome: written.status });
        if (written.status === 'too_large') {
          throw new GatewayError(
            'upstream_error',
            `service "${service.name}" wrote more session data than the ${written.limit}-byte limit`,
          );
        }
      }
      count({ service: service.name, outcome: String(response.statusCode) });
      ctx.status = response.statusCode;
      ctx.set(headers);
      ctx.body = response.body;
      // Koa labels a stream body application/octet-stream; the client gets what the service sent.
      if (headers['content-type'] === undefined) ctx.remove('Content-Type');
    } catch (error) {
      response.body.destroy();
      throw error;
    }
  };
}
