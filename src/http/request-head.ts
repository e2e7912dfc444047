import type { Middleware } from 'koa';
import { GatewayError, invalidRequest } from '../errors';

/** More header fields than this are refused; Node would silently drop those past its count. */
export const maxHeaderFields = 200;

// RFC 3986 host (reg-name, IPv4 or bracketed IPv6) and an optional port.
const hostPattern = /^(?:[A-Za-z0-9._~-]+|\[[0-9A-Fa-f:.]+\])(?::\d{1,5})?$/;

/** The host of `value`, or a 400 naming `field` when it is not one. */
export function checkedHost(value: string | undefined, field: string): string {
  if (value === undefined || !hostPattern.test(value)) {
    throw invalidRequest(field, `${field} must be a host name or address, with an optional port`);
  }
  return value;
}

/**
 * Refuses a request head that Node parsed but would hand over changed or ambiguous: more
 * header fields than {@link maxHeaderFields} (the server keeps one more, so the excess is
 * seen), two `Host` headers (Node keeps the first, a proxy may keep the last), a `Host`
 * that is not a host, or a path whose percent-encoding does not decode.
 */
export const checkRequestHead = (): Middleware => (ctx, next) => {
  const raw = ctx.req.rawHeaders;
  if (raw.length / 2 > maxHeaderFields) {
    throw new GatewayError('headers_too_large', `send at most ${maxHeaderFields} header fields`);
  }
  let hosts = 0;
  for (let i = 0; i < raw.length; i += 2) {
    const name = raw[i]!;
    if (name.length === 4 && name.toLowerCase() === 'host') hosts += 1;
  }
  if (hosts > 1) throw invalidRequest('host', 'send exactly one Host header');
  if (hosts === 1) checkedHost(ctx.req.headers.host, 'host');
  // A route parameter that does not decode would reach the provider as its raw text.
  if (ctx.path.includes('%')) {
    try {
      decodeURIComponent(ctx.path);
    } catch {
      throw invalidRequest('path', 'the path is not valid percent-encoded UTF-8');
    }
  }
  return next();
};
