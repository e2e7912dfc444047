import { GatewayError } from '../../src/errors';

/** The part of a proxied URL that goes upstream, byte for byte as the client sent it. */
export interface UpstreamTarget {
  /** Starts with `/`. */
  path: string;
  /** Includes its `?`, or is empty. */
  query: string;
}

const isDotSegment = (segment: string) => ['.', '..'].includes(segment.replace(/%2e/gi, '.'));

/** The origin-form of a request target: `http://host/p?q` (absolute-form, RFC 9112) → `/p?q`. */
function originForm(rawUrl: string): string {
  if (rawUrl.startsWith('/')) return rawUrl;
  const authority = /^[a-z][a-z0-9+.-]*:\/\/[^/?#]*/i.exec(rawUrl)?.[0].length ?? 0;
  const rest = rawUrl.slice(authority);
  return rest.startsWith('/') ? rest : `/${rest}`;
}

/**
 * Cuts the first `skip` path segments off a raw request URL. Dot segments are refused: they
 * could climb out of an upstream's base path.
 */
export function upstreamTarget(rawUrl: string, skip: number): UpstreamTarget {
  const url = originForm(rawUrl);
  const at = url.indexOf('?');
  const rawPath = at === -1 ? url : url.slice(0, at);
  const rest = rawPath.split('/').slice(skip + 1);
  if (rest.some(isDotSegment)) {
    throw new GatewayError('invalid_request', 'the path must not contain "." or ".." segments');
  }
  return { path: `/${rest.join('/')}`, query: at === -1 ? '' : url.slice(at) };
}
