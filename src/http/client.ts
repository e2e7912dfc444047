import type { Context } from 'koa';
import proxyAddr from 'proxy-addr';
import { checkedHost } from './request-head';

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
  if (['', 'false', 'off', '0'].includes(text)) return trustNoProxy;
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

/** `TRUST_PROXY` off: only the socket speaks. */
export const trustNoProxy: TrustProxy = () => false;

const firstValue = (value: string | string[] | undefined) =>
  (Array.isArray(value) ? value[0] : value)?.split(',')[0]?.trim();

/**
 * The calling client, computed once per request. `X-Forwarded-For`, `-Proto` and `-Host` are
 * believed only from hops `trust` accepts; otherwise the socket and `Host` speak.
 */
export function clientOf(ctx: Context, trust: TrustProxy): Client {
  const known: Client | undefined = ctx.state.client;
  if (known) return known;
  // proxy-addr parses X-Forwarded-For even when it trusts no hop.
  const chain =
    trust === trustNoProxy ? [ctx.req.socket.remoteAddress ?? ''] : proxyAddr.all(ctx.req, trust);
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
