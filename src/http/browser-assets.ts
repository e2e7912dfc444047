import Router from '@koa/router';
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { GatewayError } from '../errors';

/** `client/dist`, found from here both in `src/` (ts-node) and in the compiled `dist/src/`. */
function clientDist(): string {
  for (let dir = __dirname; dir !== dirname(dir); dir = dirname(dir)) {
    if (existsSync(join(dir, 'client', 'package.json'))) return join(dir, 'client', 'dist');
  }
  return join(__dirname, '..', '..', 'client', 'dist');
}

const javascript = 'text/javascript; charset=utf-8';

/** The playground loads nothing from another origin, and this policy holds it to that. */
const playgroundPolicy =
  "default-src 'self'; img-src 'self' data:; object-src 'none'; base-uri 'none'; frame-ancestors 'none'";

/**
 * `GET /client.js` (the browser client, always) and, with `playground`, `GET /` and its
 * assets. Files are read per request: small, and a rebuild needs no restart.
 */
export function browserAssets(playground: boolean): Router {
  const dist = clientDist();
  const router = new Router();
  const serve = (path: string, file: string, type: string, headers: Record<string, string> = {}) =>
    router.get(path, async (ctx) => {
      let body: Buffer;
      try {
        body = await readFile(join(dist, file));
      } catch {
        throw new GatewayError(
          'unavailable',
          'the browser client is not built: run npm run build:client',
        );
      }
      ctx.set({ 'Cache-Control': 'no-cache', 'X-Content-Type-Options': 'nosniff', ...headers });
      ctx.type = type;
      ctx.body = body;
    });
  serve('/client.js', 'client.js', javascript);
  if (playground) {
    serve('/', 'playground/index.html', 'text/html; charset=utf-8', {
      'Content-Security-Policy': playgroundPolicy,
    });
    serve('/playground/playground.js', 'playground/playground.js', javascript);
    serve('/playground/playground.css', 'playground/playground.css', 'text/css; charset=utf-8');
  }
  return router;
}
