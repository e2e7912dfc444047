import Router from '@koa/router';
import type { Middleware } from 'koa';
import compose from 'koa-compose';
import { version } from '../../package.json';
import type { RouteInfo, RunningProvider } from '../app';
import { coreRouteDocs } from './core-docs';
import { buildOpenApiDocument } from './document';
import { swaggerUiRoutes } from './swagger-ui';

const description = `Short-lived credentials for browser and mobile apps, minted from secrets that never leave the server.

Every error is \`{"error":{"code","message","field?"},"requestId"}\` with the status of its code (\`components.schemas.ErrorEnvelope\`). A path no route matches answers \`404 not_found\`; a route asked with another method \`405 method_not_allowed\` with \`Allow\`. Every answer carries \`X-Request-Id\`; token answers carry \`Cache-Control: no-store\`. \`?pretty\` indents a JSON answer.`;

/**
 * `GET /openapi.json` and its rendering at `GET /docs`: the document of the enabled providers'
 * routes and of the core's `coreRoutes`, built once, here, at boot.
 */
export function apiReference(providers: RunningProvider[], coreRoutes: RouteInfo[]): Middleware {
  const document = buildOpenApiDocument({
    title: 'tokengate',
    version,
    description,
    groups: [
      {
        tag: 'core',
        description: 'Health, readiness, metrics and this reference',
        mount: '',
        routes: coreRoutes,
        docs: coreRouteDocs(coreRoutes),
        errors: [],
      },
      ...providers.map(({ id, title, routes, instance }) => ({
        tag: id,
        description: title,
        mount: `/api/${id}`,
        routes,
        docs: instance.docs ?? [],
        errors: ['rate_limited' as const],
      })),
    ],
  });
  const router = new Router();
  router.get('/openapi.json', (ctx) => {
    ctx.body = document;
  });
  swaggerUiRoutes(router);
  return compose([router.routes() as Middleware, router.allowedMethods() as Middleware]);
}
