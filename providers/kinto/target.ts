import { GatewayError } from '../../src/errors';

/** The part of a proxied URL that goes upstream, byte for byte as the client sent it. */
export interface UpstreamTarget {
  /** Starts with `/`. */
  path: string;
  /** Includes its `?`, or is empty. */
  query: string;
}

const isDotSegment = (segment: string) => ['.', '..'].includes(segment.replace(/%2e/gi, '.'));

/**
 * Cuts the first `skip` path segments off a raw request URL. Dot segments are refused: they
 * could climb out of an upstream's base path.
 */
export function upstreamTarget(rawUrl: string, skip: number): UpstreamTarget {
  const at = rawUrl.indexOf('?');
  const rawPath = at === -1 ? rawUrl : rawUrl.slice(0, at);
  const rest = rawPath.split('/').slice(skip + 1);
  if (rest.some(isDotSegment)) {
    throw new GatewayError('invalid_request', 'the path must not contain "." or ".." segments');
  }
  return { path: `/${rest.join('/')}`, query: at === -1 ? '' : rawUrl.slice(at) };
}
