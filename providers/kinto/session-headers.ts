import type { IncomingHttpHeaders } from 'node:http';
import { GatewayError } from '../../src/errors';
import type { Client } from '../../src/http/client';
import { fieldKey, type KintoService } from './config-file';

type HeaderValue = string | string[] | undefined;
type Headers = Record<string, HeaderValue>;

/** The header that carries the session token; it never leaves the gateway. */
export const sessionTokenHeader = 'kinto-authorization';

/** A 401 that tells the client which header to send. */
export const unauthorized = (message: string) =>
  new GatewayError('unauthorized', message, undefined, {
    'WWW-Authenticate': 'Bearer realm="kinto", header="Kinto-Authorization"',
  });

const hopByHop = new Set([
  'connection',
  'keep-alive',
  'proxy-authenticate',
  'proxy-authorization',
  'proxy-connection',
  'te',
  'trailer',
  'transfer-encoding',
  'upgrade',
  'http2-settings',
]);

/** Hop-by-hop headers, including any the `Connection` header names, in lowercase. */
function hopHeaders(headers: Headers): ReadonlySet<string> {
  if (headers.connection === undefined) return hopByHop;
  const listed = String(headers.connection)
    .split(',')
    .map((name) => name.trim().toLowerCase())
    .filter((name) => name !== '' && !hopByHop.has(name));
  // Most clients send only `keep-alive` or `close`: no set to build per request.
  return listed.length === 0 ? hopByHop : new Set([...hopByHop, ...listed]);
}

/** Request headers the gateway sets itself, or that must not reach a service. */
const replacedOnRequest = new Set([
  'host',
  'expect',
  sessionTokenHeader,
  'x-request-id',
  'forwarded',
  'x-real-ip',
]);
/** What a client claims about proxies never reaches a service: the gateway says its own. */
const isForwardingClaim = (name: string) => name.startsWith('x-forwarded-');

const text = (value: HeaderValue) => (Array.isArray(value) ? value.join(', ') : (value ?? ''));

/** The session fields a call needs, or the first required one the session lacks. */
export function readSessionFields(
  service: KintoService,
  data: Readonly<Record<string, string>>,
): { headers: Record<string, string> } | { missing: string } {
  const headers: Record<string, string> = {};
  for (const read of service.reads) {
    const value = data[read.stored];
    if (value !== undefined) headers[read.field] = value;
    else if (read.required) return { missing: read.field };
  }
  return { headers };
}

/** Where the call came from, for the forwarding headers and `X-Request-Id`. */
export interface Forwarding {
  client: Client;
  requestId: string;
}

/** RFC 7239 `for=` and `host=` values: IPv6 addresses are bracketed, both quoted when needed. */
const forwardedFor = (ip: string) => (ip.includes(':') ? `"[${ip}]"` : ip);

/**
 * The upstream request's headers: the client's, minus hop-by-hop ones, the session token and
 * every header named like a session field (so none can be forged), plus `inject`.
 * `sessionFields` holds the fields as {@link fieldKey}.
 */
export function upstreamRequestHeaders(
  incoming: IncomingHttpHeaders,
  sessionFields: ReadonlySet<string>,
  inject: Record<string, string>,
  forwarding: Forwarding,
  hasBody: boolean,
): Record<string, string | string[]> {
  const drop = hopHeaders(incoming);
  const out: Record<string, string | string[]> = {};
  for (const [name, value] of Object.entries(incoming)) {
    if (value === undefined || drop.has(name) || sessionFields.has(fieldKey(name))) continue;
    if (replacedOnRequest.has(name) || isForwardingClaim(name)) continue;
    if (name === 'content-length' && !hasBody) continue;
    out[name] = value;
  }
  const { client } = forwarding;
  out['x-forwarded-for'] = client.forwardedFor.join(', ');
  out['x-forwarded-proto'] = client.protocol;
  out['x-forwarded-host'] = client.host;
  out.forwarded = `for=${forwardedFor(client.ip)};host="${client.host}";proto=${client.protocol}`;
  out['x-request-id'] = forwarding.requestId;
  return { ...out, ...inject };
}

const declaredByList = new WeakMap<readonly string[], ReadonlyMap<string, string>>();

/** Each declared field by its lowercase name, computed once per service's list. */
function declaredFields(captured: readonly string[]): ReadonlyMap<string, string> {
  let declared = declaredByList.get(captured);
  if (!declared) {
    declared = new Map(captured.map((field) => [field.toLowerCase(), field]));
    declaredByList.set(captured, declared);
  }
  return declared;
}

/**
 * Splits the upstream response's headers into those the client receives and the session
 * changes they carry: headers named like a field in `captured` (declared names) become
 * changes (an empty value removes the field); those and the ones in `dropped` (as
 * {@link fieldKey}) are removed.
 */
export function splitResponseHeaders(
  upstream: Headers,
  captured: readonly string[],
  dropped: ReadonlySet<string>,
): { headers: Record<string, string | string[]>; changes: Record<string, string | null> } {
  const declared = declaredFields(captured);
  const drop = hopHeaders(upstream);
  const headers: Record<string, string | string[]> = {};
  const changes: Record<string, string | null> = {};
  for (const [raw, value] of Object.entries(upstream)) {
    const name = raw.toLowerCase();
    if (value === undefined || drop.has(name) || name === 'x-request-id') continue;
    const field = declared.get(name);
    if (field !== undefined) changes[field] = text(value) === '' ? null : text(value);
    else if (!dropped.has(fieldKey(name))) headers[name] = value;
  }
  return { headers, changes };
}
