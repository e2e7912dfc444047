import { invalidRequest } from '../../src/errors';

/** The part of a proxied URL that goes upstream, byte for byte as the client sent it. */
export interface UpstreamTarget {
  /** Starts with `/`. */
  path: string;
  /** Includes its `?`, or is empty. */
  query: string;
}

/** The origin-form of a request target: `http://host/p?q` (absolute-form, RFC 9112) → `/p?q`. */
function originForm(rawUrl: string): string {
  if (rawUrl.startsWith('/')) return rawUrl;
  const authority = /^[a-z][a-z0-9+.-]*:\/\/[^/?#]*/i.exec(rawUrl)?.[0].length ?? 0;
  const rest = rawUrl.slice(authority);
  return rest.startsWith('/') ? rest : `/${rest}`;
}

// Bytes outside printable ASCII, and `\`, which WHATWG URL parsers read as `/` in http(s).
const unsafeRaw = /[^!-[\]-~]/;

/**
 * True when a raw path segment could climb out of the service's base path, or mean another
 * path to some server than it does to the gateway: an encoded `/` or `\`, a literal `\`, a
 * dot segment once decoded (also with `;` parameters, which Java servers strip), or
 * percent-encoding that does not decode. Decoded exactly once: `%252e` stays `%2e`.
 */
function isUnsafeSegment(segment: string): boolean {
  if (unsafeRaw.test(segment)) return true;
  let decoded: string;
  try {
    decoded = decodeURIComponent(segment);
  } catch {
    return true;
  }
  if (/[/\\]/.test(decoded)) return true;
  const name = decoded.split(';')[0];
  return name === '.' || name === '..';
}

/**
 * Cuts the first `skip` path segments off a raw request URL; the rest goes upstream
 * unchanged, unless a segment is unsafe (400 naming `path`).
 */
export function upstreamTarget(rawUrl: string, skip: number): UpstreamTarget {
  const url = originForm(rawUrl);
  const at = url.indexOf('?');
  const rawPath = at === -1 ? url : url.slice(0, at);
  const rest = rawPath.split('/').slice(skip + 1);
  if (rest.some(isUnsafeSegment)) {
    throw invalidRequest(
      'path',
      'the path must not contain dot segments, encoded "/" or "\\", or a "\\"',
    );
  }
  return { path: `/${rest.join('/')}`, query: at === -1 ? '' : url.slice(at) };
}
