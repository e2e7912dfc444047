import type { z } from 'zod';
import type { ErrorCode } from '../errors';

/**
 * How a caller proves who it is, as the document's security schemes name it: a bearer JWT of
 * the provider's identity provider, a provider's admin key (also `Authorization: Bearer`), or
 * a session token in `Kinto-Authorization`.
 */
export type SecurityScheme = 'callerJwt' | 'adminKey' | 'kintoSession';

/** Methods a route is registered for; `ANY` is `router.all()`. */
export type RouteMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE' | 'ANY';

/** A JSON answer, described by the zod schema it satisfies (exact: no unknown keys). */
export interface JsonAnswerDoc {
  description: string;
  schema: z.ZodType;
  example?: unknown;
}

/**
 * Any other answer: text or HTML of `contentType`, a service's answer passed through as it
 * is (`passthrough`), or no body at all (neither).
 */
export interface RawAnswerDoc {
  description: string;
  contentType?: string;
  passthrough?: true;
  example?: string;
}

export type AnswerDoc = JsonAnswerDoc | RawAnswerDoc;

/**
 * One route as the API reference (`GET /openapi.json`) describes it. The request schemas are
 * the very zod objects the route validates with, so the document cannot drift from them.
 */
export interface RouteDoc {
  methods: readonly RouteMethod[];
  /**
   * In @koa/router syntax, as `GET /api/providers` lists it: relative to the provider's
   * `/api/<id>` mount, or to the root with `root`.
   */
  path: string;
  root?: boolean;
  summary: string;
  description?: string;
  /** Default: the provider's id. */
  tags?: readonly string[];
  /** The path parameters: an object schema with one key per parameter of `path`. */
  params?: z.ZodType;
  /** Fields read from the query string (GET). */
  query?: z.ZodType;
  /** The JSON body (other methods): 413 and 415 are documented with it. */
  body?: z.ZodType;
  /** A request that succeeds: the query of a GET, the body otherwise. */
  requestExample?: Record<string, unknown>;
  /**
   * Any one of `schemes` is accepted; with `optional`, no credential too. The errors a check
   * can answer (401, 429, and 502/503 for JWTs) are documented with it.
   */
  security?: { schemes: readonly SecurityScheme[]; optional?: boolean };
  /** Successful answers by status; `default` for answers passed through from a service. */
  responses: Readonly<Partial<Record<number | 'default', AnswerDoc>>>;
  /** The route's own errors, besides those every route, body or security check can answer. */
  errors?: readonly ErrorCode[];
}
