import type { z } from 'zod';
import type { RouteInfo } from '../app';
import { errorStatus, type ErrorCode } from '../errors';
import { errorEnvelopeSchema } from './answers';
import { errorResponses, headerComponents, requestIdHeader } from './error-responses';
import { createSchemaConverter, type JsonSchema, type SchemaConverter } from './json-schema';
import { pathTemplates, type PathTemplate } from './path-templates';
import { requestFields } from './request-fields';
import type { AnswerDoc, RouteDoc, RouteMethod, SecurityScheme } from './route-doc';

/** A group of routes to document: one provider's, or the core's. */
export interface DocumentedGroup {
  /** The tag of its operations: the provider id, or `core`. */
  tag: string;
  description: string;
  /** Where its non-root paths are mounted: `/api/<id>`, or `''`. */
  mount: string;
  /** The routes it really serves, as `GET /api/providers` lists them. */
  routes: readonly RouteInfo[];
  docs: readonly RouteDoc[];
  /** Errors every route of the group can answer (the client budget's 429 for providers). */
  errors: readonly ErrorCode[];
}

/** An OpenAPI 3.1 document. */
export type OpenApiDocument = JsonSchema & { paths: Record<string, Record<string, JsonSchema>> };

const anyMethods = ['GET', 'PUT', 'POST', 'DELETE', 'OPTIONS', 'HEAD', 'PATCH', 'TRACE'];

/** Errors of the request head and of the unexpected, on any route. */
const everyRoute: ErrorCode[] = ['invalid_request', 'headers_too_large', 'internal_error'];
const bodyErrors: ErrorCode[] = ['invalid_request', 'payload_too_large', 'unsupported_media_type'];
const securityErrors: Record<SecurityScheme, ErrorCode[]> = {
  // The issuer's keys may be out of reach (503) or answer badly (502).
  callerJwt: ['unauthorized', 'rate_limited', 'upstream_error', 'unavailable'],
  adminKey: ['unauthorized', 'rate_limited'],
  kintoSession: ['unauthorized', 'unavailable'],
};

const securitySchemes: Record<SecurityScheme, JsonSchema> = {
  callerJwt: {
    type: 'http',
    scheme: 'bearer',
    bearerFormat: 'JWT',
    description:
      "A JWT of the identity provider the provider is configured with (`<ID>_CALLER_ISSUER`): signed by a key of the issuer's JWKS, with the exact `iss`, the configured `aud`, an allowed algorithm, `exp`, no `iat` in the future and at most `CALLER_MAX_LIFETIME` of lifetime.",
  },
  adminKey: {
    type: 'http',
    scheme: 'bearer',
    description: "The provider's admin key, sent as `Authorization: Bearer <key>`.",
  },
  kintoSession: {
    type: 'apiKey',
    in: 'header',
    name: 'Kinto-Authorization',
    description: 'A session token, sent as `Kinto-Authorization: Bearer <token>`.',
  },
};

const methodsOf = (doc: Pick<RouteDoc, 'methods'>) =>
  doc.methods.flatMap((m) => (m === 'ANY' ? anyMethods : [m]));

const routeKey = (method: string, path: string) => `${method} ${path}`;

const operationId = (method: string, template: string) =>
  `${method.toLowerCase()}_${template.replace(/[^A-Za-z0-9]+/g, '_').replace(/^_|_$/g, '')}`;

/** Methods of a route the router serves but no doc describes: listed, flagged, never hidden. */
const undocumented = (route: RouteInfo, methods: string[]): RouteDoc => ({
  methods: methods as RouteMethod[],
  path: route.path,
  root: true,
  summary: 'Undocumented route',
  description: 'Its provider describes no such route.',
  responses: { default: { description: 'Not described', passthrough: true } },
});

function answerObject(answer: AnswerDoc, schemas: SchemaConverter): JsonSchema {
  const base = { description: answer.description, headers: { 'X-Request-Id': requestIdHeader } };
  if ('schema' in answer) {
    const media = { schema: schemas.response(answer.schema), example: answer.example };
    return { ...base, content: { 'application/json': media } };
  }
  if (answer.passthrough) {
    const media = { schema: { description: 'The answer as the service sent it' } };
    return { ...base, content: { '*/*': media } };
  }
  if (answer.contentType === undefined) return base;
  const media = { schema: { type: 'string' }, example: answer.example };
  return { ...base, content: { [answer.contentType]: media } };
}

/** The path's parameters; an undocumented route's are plain strings. */
function pathParameters(
  doc: RouteDoc,
  path: PathTemplate,
  schemas: SchemaConverter,
  isDocumented: boolean,
) {
  const declared = doc.params ? requestFields(schemas.request(doc.params)).properties : new Map();
  return path.parameters.map(({ name, wildcard }) => {
    const schema = declared.get(name);
    if (!schema && isDocumented)
      throw new Error(`${doc.path}: no schema for path parameter "${name}"`);
    return {
      name,
      in: 'path',
      required: true,
      schema: schema ?? { type: 'string' },
      ...(wildcard ? { description: 'The rest of the path: may contain `/`' } : {}),
      ...(doc.requestExample?.[name] === undefined ? {} : { example: doc.requestExample[name] }),
    };
  });
}

function queryParameters(doc: RouteDoc, schemas: SchemaConverter) {
  if (!doc.query) return [];
  const { properties, required } = requestFields(schemas.request(doc.query));
  return [...properties].map(([name, schema]) => ({
    name,
    in: 'query',
    required: required.has(name),
    schema,
    ...(typeof schema.description === 'string' ? { description: schema.description } : {}),
    ...(doc.requestExample?.[name] === undefined ? {} : { example: doc.requestExample[name] }),
  }));
}

function requestBody(body: z.ZodType, example: unknown, schemas: SchemaConverter) {
  const schema = schemas.request(body);
  const media = { schema, example };
  return {
    requestBody: {
      required: requestFields(schema).required.size > 0,
      content: { 'application/json': media },
    },
  };
}

function responses(
  doc: RouteDoc,
  groupErrors: readonly ErrorCode[],
  withBody: boolean,
  schemas: SchemaConverter,
) {
  const answers: Record<string, JsonSchema> = {};
  for (const [status, answer] of Object.entries(doc.responses)) {
    answers[status] = answerObject(answer!, schemas);
  }
  const codes = new Set([
    ...(doc.errors ?? []),
    ...everyRoute,
    ...groupErrors,
    ...(withBody ? bodyErrors : []),
    ...(doc.security?.schemes ?? []).flatMap((scheme) => securityErrors[scheme]),
  ]);
  for (const code of codes) {
    const status = String(errorStatus[code]);
    if (answers[status]) throw new Error(`${doc.path}: ${status} is both an answer and ${code}`);
    answers[status] = { $ref: `#/components/responses/${code}` };
  }
  return Object.fromEntries(Object.entries(answers).sort(([a], [b]) => a.localeCompare(b)));
}

function security(doc: RouteDoc) {
  if (!doc.security) return {};
  const { schemes, optional } = doc.security;
  return { security: [...schemes.map((scheme) => ({ [scheme]: [] })), ...(optional ? [{}] : [])] };
}

/**
 * Builds the OpenAPI 3.1 document of a gateway from its groups' route docs. Every route a
 * group serves is in it: those no doc describes as `x-undocumented` operations.
 */
export function buildOpenApiDocument(options: {
  title: string;
  version: string;
  description: string;
  groups: readonly DocumentedGroup[];
}): OpenApiDocument {
  const schemas = createSchemaConverter();
  const paths: OpenApiDocument['paths'] = {};
  for (const group of options.groups) {
    const fullPath = (doc: RouteDoc) => (doc.root ? doc.path : `${group.mount}${doc.path}`);
    const documented = new Set(
      group.docs.flatMap((doc) => doc.methods.map((m) => routeKey(m, fullPath(doc)))),
    );
    const missing = group.routes.flatMap((route) => {
      const methods = route.methods.filter((m) => !documented.has(routeKey(m, route.path)));
      return methods.length > 0 ? [undocumented(route, methods)] : [];
    });
    for (const doc of [...group.docs, ...missing]) {
      const isDocumented = !missing.includes(doc);
      const route = fullPath(doc);
      const passesThrough = Object.values(doc.responses).some((a) => a && 'passthrough' in a);
      const operation = {
        tags: doc.tags ?? [group.tag],
        summary: doc.summary,
        description: doc.description,
        'x-route': route,
        ...(isDocumented ? {} : { 'x-undocumented': true }),
        ...(passesThrough ? { 'x-passthrough': true } : {}),
        ...security(doc),
      };
      for (const path of pathTemplates(route)) {
        const item = (paths[path.template] ??= {});
        for (const method of methodsOf(doc)) {
          const key = method.toLowerCase();
          if (item[key]) throw new Error(`${method} ${path.template} is documented twice`);
          const parameters = [
            ...pathParameters(doc, path, schemas, isDocumented),
            ...(method === 'GET' ? queryParameters(doc, schemas) : []),
          ];
          const body = method === 'GET' ? undefined : doc.body;
          item[key] = {
            operationId: operationId(method, path.template),
            ...operation,
            ...(parameters.length > 0 ? { parameters } : {}),
            ...(body ? requestBody(body, doc.requestExample, schemas) : {}),
            responses: responses(doc, group.errors, body !== undefined, schemas),
          };
        }
      }
    }
  }
  schemas.response(errorEnvelopeSchema);
  const document = {
    openapi: '3.1.1',
    info: { title: options.title, version: options.version, description: options.description },
    tags: options.groups.map(({ tag, description }) => ({ name: tag, description })),
    paths,
    components: {
      schemas: schemas.components,
      responses: errorResponses,
      headers: headerComponents,
      securitySchemes,
    },
  };
  // Drops the fields left undefined, as the JSON answer will.
  return JSON.parse(JSON.stringify(document)) as OpenApiDocument;
}
