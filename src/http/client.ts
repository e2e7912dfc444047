import type { Context, Middleware } from 'koa';
import proxyAddr from 'proxy-addr';
import { invalidRequest } from '../errors';

/** Whether the hop at `address`, `hop` steps from the gateway, is a proxy to believe. */
export type TrustProxy = (address: string, hop: number) => boolean;

/** Who is calling, as far as the gateway can tell. */
export interface Client {
  /** The client's address: the socket's, or the first untrusted one `X-Forwarded-For` names. */
  ip: string;
  /** Addresses from the client to the gateway's peer, as `X-Forwarded-For` lists them. */
  forwardedFor: string[];
  protocol: 'http' | 'https';
  /** `host[:port]` the client addressed. */
  host: string;
}

/**
 * `TRUST_PROXY`: unset or `false` trusts no proxy; `true` every hop; a number that many hops;
 * otherwise a comma list of addresses, CIDR ranges or `loopback`, `linklocal`, `uniquelocal`.
 * Returns a message instead when the value is none of these.
 */
export function parseTrustProxy(value: string | undefined): TrustProxy | string {
  const text = (value ?? '').trim().toLowerCase();
  if (['', 'false', 'off', '0'].includes(text)) return () => false;
  if (text === 'true') return () => true;
  if (/^\d+$/.test(text)) {
    const hops = Number(text);
    return (_address, hop) => hop < hops;
  }
  try {
    return proxyAddr.compile(text.split(',').map((item) => item.trim()));
  } catch {
    return 'must be false, true, a number of hops, or a comma list of addresses, CIDR ranges, loopback, linklocal or uniquelocal';
  }
}

// RFC 3986 host (reg-name, IPv4 or bracketed IPv6) and an optional port.
const hostPattern = /^(?:[A-Za-z0-9._~-]+|\[[0-9A-Fa-f:.]+\])(?::\d{1,5})?$/;

const firstValue = (value: string | string[] | undefined) =>
  (Array.isArray(value) ? value[0] : value)?.split(',')[0]?.trim();

function checkedHost(value: string | undefined, field: string): string {
  if (value === undefined || !hostPattern.test(value)) {
    throw invalidRequest(field, `${field} must be a host name or address, with an optional port`);
  }
  return value;
}

/**
 * Refuses a request whose authority is ambiguous or malformed: two `Host` headers (Node keeps
 * the first, a proxy may keep the last), or a `Host` that is not a host.
 */
export const checkHost = (): Middleware => (ctx, next) => {
  const raw = ctx.req.rawHeaders;
  let hosts = 0;
  for (let i = 0; i < raw.length; i += 2) if (/^host$/i.test(raw[i]!)) hosts += 1;
  if (hosts > 1) throw invalidRequest('host', 'send exactly one Host header');
  if (hosts === 1) checkedHost(ctx.req.headers.host, 'host');
  return next();
};

/**
 * The calling client, computed once per request. `X-Forwarded-For`, `-Proto` and `-Host` are
 * believed only from hops `trust` accepts; otherwise the socket and `Host` speak.
 */
export function clientOf(ctx: Context, trust: TrustProxy): Client {
  const known: Client | undefined = ctx.state.client;
  if (known) return known;
  const chain = proxyAddr.all(ctx.req, trust);
  const peerTrusted = trust(chain[0] ?? '', 0);
  const encrypted = 'encrypted' in ctx.req.socket && Boolean(ctx.req.socket.encrypted);
  const forwardedProto = peerTrusted ? firstValue(ctx.req.headers['x-forwarded-proto']) : undefined;
  const forwardedHost = peerTrusted ? firstValue(ctx.req.headers['x-forwarded-host']) : undefined;
  const client: Client = {
    ip: chain[chain.length - 1] ?? '',
    forwardedFor: chain.slice().reverse(),
    protocol:
      forwardedProto === 'https' || forwardedProto === 'http'
        ? forwardedProto
        : encrypted
          ? 'https'
          : 'http',
    host: forwardedHost
      ? checkedHost(forwardedHost, 'x-forwarded-host')
      : (ctx.req.headers.host ?? ''),
  };
  ctx.state.client = client;
  return client;
}
