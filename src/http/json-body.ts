import inflate from 'inflation';
import type { Middleware } from 'koa';
import getRawBody from 'raw-body';
import secureJson from 'secure-json-parse';
import { GatewayError, invalidRequest } from '../errors';
import { malformedTextAt } from './well-formed';

declare module 'koa' {
  interface Request {
    /** The parsed JSON object, set by {@link jsonBody}. */
    body?: unknown;
  }
}

/** Default limit of JSON request bodies. */
export const jsonLimitBytes = 16 * 1024;

const encodings = new Set(['identity', 'gzip', 'deflate']);
const utf8 = new TextDecoder('utf-8', { fatal: true });
const notJson = () => invalidRequest('body', 'request body is not valid JSON');

const hasBody = (headers: Record<string, unknown>) =>
  headers['transfer-encoding'] !== undefined ||
  (headers['content-length'] !== undefined && headers['content-length'] !== '0');

/** Reads the raw, decompressed bytes, at most `limit` of them after decompression. */
async function readBody(ctx: Parameters<Middleware>[0], limit: number): Promise<Buffer> {
  const encoding = (ctx.get('Content-Encoding') || 'identity').trim().toLowerCase();
  if (!encodings.has(encoding)) {
    throw new GatewayError(
      'unsupported_media_type',
      'Content-Encoding must be identity, gzip or deflate',
    );
  }
  try {
    // @types/inflation names the option `gzip`; the library reads `encoding`.
    return await getRawBody(inflate(ctx.req, { encoding } as inflate.Options), {
      limit,
      length: encoding === 'identity' ? ctx.get('Content-Length') || undefined : undefined,
    });
  } catch (error) {
    if ((error as { type?: string }).type === 'entity.too.large') {
      throw new GatewayError('payload_too_large', `request body is larger than ${limit} bytes`);
    }
    throw invalidRequest('body', 'request body could not be read (truncated or badly encoded)');
  }
}

/**
 * Parses a JSON object body of at most `limitBytes`: other media types and encodings get 415,
 * larger bodies (also after decompression) 413; bytes that are not UTF-8, malformed JSON, a
 * non-object or a string with a lone surrogate 400. `__proto__` and `constructor.prototype`
 * keys are dropped rather than refused: they are valid JSON. Requests without a body pass.
 *
 * Hand-fitted rather than koa-bodyparser: that one decodes invalid UTF-8 to U+FFFD, which the
 * contract forbids, and reports unknown encodings as malformed JSON.
 */
export const jsonBody =
  (limitBytes = jsonLimitBytes): Middleware =>
  async (ctx, next) => {
    if (!hasBody(ctx.req.headers)) return next();
    if (ctx.request.is('json') === false) {
      throw new GatewayError('unsupported_media_type', 'send the body as application/json');
    }
    const bytes = await readBody(ctx, limitBytes);
    let text: string;
    try {
      text = utf8.decode(bytes);
    } catch {
      throw invalidRequest('body', 'request body is not valid UTF-8');
    }
    let body: unknown;
    try {
      body = secureJson.parse(text, undefined, {
        protoAction: 'remove',
        constructorAction: 'remove',
      });
    } catch {
      throw notJson();
    }
    if (body === null || typeof body !== 'object' || Array.isArray(body)) {
      throw invalidRequest('body', 'request body must be a JSON object');
    }
    const malformed = malformedTextAt(body);
    if (malformed !== undefined) {
      throw invalidRequest(malformed, `${malformed} must be well-formed Unicode text`);
    }
    ctx.request.body = body;
    await next();
  };
