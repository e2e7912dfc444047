import { z } from 'zod';
import type { RouteInfo } from '../app';
import type { RouteDoc } from './route-doc';
import { docsAssetParams } from './swagger-ui';

const healthAnswer = z.strictObject({ status: z.literal('ok') });

const readinessAnswer = (status: 'ready' | 'not_ready') =>
  z.strictObject({
    status: z.literal(status),
    store: z.enum(['memory', 'redis']),
    checks: z
      .record(z.string(), z.string())
      .meta({ description: '`ok`, or why not, for `store` and each provider' }),
  });

const providersAnswer = z.strictObject({
  providers: z.array(
    z.strictObject({
      id: z.string(),
      title: z.string(),
      routes: z.array(
        z.strictObject({
          methods: z.array(z.string()).meta({ description: '`ANY` for every method' }),
          path: z.string().meta({ description: 'In @koa/router syntax' }),
        }),
      ),
    }),
  ),
}) satisfies z.ZodType<{ providers: Array<{ id: string; title: string; routes: RouteInfo[] }> }>;

const openApiAnswer = z.looseObject({ openapi: z.literal('3.1.1') });

/** The core's routes, and the API reference's own. */
const coreDocs: RouteDoc[] = [
  {
    methods: ['GET'],
    path: '/healthz',
    summary: 'Liveness',
    responses: {
      200: { description: 'The process is alive', schema: healthAnswer, example: { status: 'ok' } },
    },
  },
  {
    methods: ['GET'],
    path: '/readyz',
    summary: 'Readiness of the store and of every provider',
    description: 'Answers within a second, even when a check hangs.',
    responses: {
      200: {
        description: 'Everything is ready',
        schema: readinessAnswer('ready'),
        example: { status: 'ready', store: 'memory', checks: { store: 'ok', agora: 'ok' } },
      },
      503: {
        description: 'Something is not ready: the failing checks say why',
        schema: readinessAnswer('not_ready'),
        example: {
          status: 'not_ready',
          store: 'redis',
          checks: { store: 'timed out', agora: 'ok' },
        },
      },
    },
  },
  {
    methods: ['GET'],
    path: '/api/providers',
    summary: 'The enabled providers and their routes',
    responses: {
      200: {
        description: 'One entry per enabled provider',
        schema: providersAnswer,
        example: {
          providers: [
            {
              id: 'bentley',
              title: 'Bentley iTwin Platform',
              routes: [
                { methods: ['GET'], path: '/api/bentley/token' },
                { methods: ['GET'], path: '/getToken' },
              ],
            },
          ],
        },
      },
    },
  },
  {
    methods: ['GET'],
    path: '/metrics',
    summary: 'Prometheus metrics',
    responses: {
      200: {
        description: 'Request, token and upstream metrics in the Prometheus text format',
        contentType: 'text/plain',
        example: 'tokengate_requests_total{provider="agora",status="200"} 3\n',
      },
    },
  },
  {
    methods: ['GET'],
    path: '/client.js',
    summary: 'The typed browser client',
    responses: {
      200: { description: 'An ES module', contentType: 'text/javascript' },
    },
    errors: ['unavailable'],
  },
  {
    methods: ['GET'],
    path: '/',
    summary: 'The playground (with PLAYGROUND=true)',
    responses: { 200: { description: 'An HTML page', contentType: 'text/html' } },
    errors: ['unavailable'],
  },
  {
    methods: ['GET'],
    path: '/playground/playground.js',
    summary: "The playground's script",
    responses: { 200: { description: 'An ES module', contentType: 'text/javascript' } },
    errors: ['unavailable'],
  },
  {
    methods: ['GET'],
    path: '/playground/playground.css',
    summary: "The playground's style sheet",
    responses: { 200: { description: 'A style sheet', contentType: 'text/css' } },
    errors: ['unavailable'],
  },
];

const referenceDocs: RouteDoc[] = [
  {
    methods: ['GET'],
    path: '/openapi.json',
    summary: 'This document',
    description: 'Generated at boot from the zod schemas the routes validate with.',
    responses: { 200: { description: 'OpenAPI 3.1', schema: openApiAnswer } },
  },
  {
    methods: ['GET'],
    path: '/docs',
    summary: 'The API reference page (Swagger UI)',
    description: 'Loads nothing from another origin: every file is served under `/docs/`.',
    responses: { 200: { description: 'An HTML page', contentType: 'text/html' } },
  },
  {
    methods: ['GET'],
    path: '/docs/:asset',
    summary: 'A file of the API reference page',
    params: docsAssetParams,
    requestExample: { asset: 'swagger-ui.css' },
    responses: {
      200: { description: 'The stylesheet, a script or an icon', contentType: '*/*' },
    },
    errors: ['not_found'],
  },
];

/**
 * The docs of the core routes the gateway serves (`/client.js` only where it is mounted) and
 * of the API reference's own routes, at the root.
 */
export function coreRouteDocs(served: readonly RouteInfo[]): RouteDoc[] {
  const paths = new Set(served.map((route) => route.path));
  return [...coreDocs.filter((doc) => paths.has(doc.path)), ...referenceDocs].map((doc) => ({
    ...doc,
    root: true,
  }));
}
