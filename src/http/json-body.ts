import bodyParser from 'koa-bodyparser';
import compose from 'koa-compose';
import type { Middleware } from 'koa';
import { GatewayError } from '../errors';

/** Default limit of JSON request bodies. */
export const jsonLimitBytes = 16 * 1024;

/**
 * Parses a JSON object body of at most `limitBytes`: other media types get 415, larger
 * bodies 413, malformed JSON or a non-object 400. Requests without a body pass through.
 */
export const jsonBody = (limitBytes = jsonLimitBytes): Middleware => {
  const parse = bodyParser({ enableTypes: ['json'], jsonLimit: `${limitBytes}b`, strict: true });
  return compose([
    async (ctx, next) => {
      if (ctx.request.is('json') === false) {
        throw new GatewayError('unsupported_media_type', 'send the body as application/json');
      }
      await next();
    },
    async (ctx, next) => {
      try {
        await parse(ctx, async () => {});
      } catch (error) {
        if ((error as { status?: number }).status === 413) throw error;
        throw new GatewayError('invalid_request', 'request body is not valid JSON', 'body');
      }
      await next();
    },
    async (ctx, next) => {
      const body: unknown = ctx.request.body;
      if (
        Array.isArray(body) ||
        (body !== undefined && (typeof body !== 'object' || body === null))
      ) {
        throw new GatewayError('invalid_request', 'request body must be a JSON object', 'body');
      }
      await next();
    },
  ]);
};
