import Router from '@koa/router';
import { createReadStream } from 'node:fs';
import { dirname, join } from 'node:path';
import { z } from 'zod';
import { GatewayError } from '../errors';

/** The files of the `swagger-ui-dist` package that the page loads, with their types. */
const packageAssets = {
  'swagger-ui.css': 'text/css; charset=utf-8',
  'swagger-ui-bundle.js': 'application/javascript; charset=utf-8',
  'favicon-32x32.png': 'image/png',
  'favicon-16x16.png': 'image/png',
} as const;

type PackageAsset = keyof typeof packageAssets;

/** The assets served under `/docs/`: the package's files and the page's own start script. */
export const docsAssetParams = z.object({
  asset: z.enum([...(Object.keys(packageAssets) as PackageAsset[]), 'init.js']),
});

const packageDir = dirname(require.resolve('swagger-ui-dist/package.json'));

// validatorUrl: null, or Swagger UI would send the document to validator.swagger.io.
const initScript = `window.ui = SwaggerUIBundle({
  url: '/openapi.json',
  dom_id: '#swagger-ui',
  deepLinking: true,
  validatorUrl: null,
  presets: [SwaggerUIBundle.presets.apis],
  layout: 'BaseLayout',
});
`;

const page = `<!DOCTYPE html>
<html lang="en">
  <head>
    <meta charset="utf-8" />
    <meta name="viewport" content="width=device-width, initial-scale=1" />
    <title>tokengate API reference</title>
    <link rel="stylesheet" href="/docs/swagger-ui.css" />
    <link rel="icon" type="image/png" href="/docs/favicon-32x32.png" sizes="32x32" />
    <link rel="icon" type="image/png" href="/docs/favicon-16x16.png" sizes="16x16" />
  </head>
  <body>
    <div id="swagger-ui"></div>
    <script src="/docs/swagger-ui-bundle.js"></script>
    <script src="/docs/init.js"></script>
  </body>
</html>
`;

/**
 * `GET /docs`: Swagger UI rendering `/openapi.json`, every file served from the
 * `swagger-ui-dist` package by this gateway, so the page loads nothing from another origin.
 */
export function swaggerUiRoutes(router: Router): void {
  router.get('/docs', (ctx) => {
    ctx.type = 'text/html; charset=utf-8';
    ctx.body = page;
  });
  router.get('/docs/:asset', (ctx) => {
    const parsed = docsAssetParams.safeParse(ctx.params);
    if (!parsed.success) throw new GatewayError('not_found', 'no such file of the API reference');
    const { asset } = parsed.data;
    ctx.set('Cache-Control', 'public, max-age=3600');
    if (asset === 'init.js') {
      ctx.type = 'application/javascript; charset=utf-8';
      ctx.body = initScript;
      return;
    }
    ctx.type = packageAssets[asset];
    ctx.body = createReadStream(join(packageDir, asset));
  });
}
