import type { Context } from 'koa';
import type { z } from 'zod';
import { GatewayError } from '../errors';
import { parseQuery } from './query';

/** The fields of a request: the query string for GET, the JSON body otherwise. */
export function requestInput(ctx: Context): Record<string, unknown> {
  // A fresh object either way: callers may change what they get.
  if (ctx.method === 'GET' || ctx.method === 'HEAD') return parseQuery(ctx.querystring);
  return { ...((ctx.request.body as Record<string, unknown> | undefined) ?? {}) };
}

function valueAt(input: unknown, path: readonly PropertyKey[]): unknown {
  return path.reduce<unknown>(
    (value, key) => (value && typeof value === 'object' ? (value as never)[key] : undefined),
    input,
  );
}

/**
 * Validates request fields, failing with a 400 that names the first bad field. Schemas
 * should carry their own messages; a missing field reads "<field> is required".
 */
export function parseInput<T>(schema: z.ZodType<T>, input: unknown): T {
  const parsed = schema.safeParse(input);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0]!;
  const field = issue.path.map(String).join('.') || 'body';
  const missing = issue.code === 'invalid_type' && valueAt(input, issue.path) === undefined;
  const message = missing ? `${field} is required` : `${field}: ${issue.message}`;
  throw new GatewayError('invalid_request', message, field);
}
