import { createServer, type Server } from 'node:http';
import { pipeline } from 'node:stream';
import { Pool, type Dispatcher } from 'undici';

/** The microservice behind every proxy: a small JSON answer, as an API would give. */
export function upstreamServer(): Server {
  const body = JSON.stringify({ id: 42, title: 'an item', tags: ['a', 'b', 'c'], views: 1234 });
  return createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      res.writeHead(200, {
        'content-type': 'application/json',
        'content-length': Buffer.byteLength(body),
      });
      res.end(body);
    });
  });
}

const hopByHop = new Set(['connection', 'keep-alive', 'transfer-encoding', 'upgrade', 'host']);

/**
 * The least a reverse proxy in Node does: node:http in, an undici Pool out, bodies streamed,
 * no session, no checks, no logging. `/api/kinto/services/echo/rest` → `rest`.
 */
export function nodeProxyServer(upstream: string): Server {
  const pool = new Pool(upstream, { connections: 64, pipelining: 1 });
  return createServer((req, res) => {
    const path = (req.url ?? '/').replace(/^\/api\/kinto\/services\/[^/]+/, '') || '/';
    const headers: Record<string, string | string[]> = {};
    for (const [name, value] of Object.entries(req.headers)) {
      if (value !== undefined && !hopByHop.has(name)) headers[name] = value;
    }
    const hasBody =
      req.headers['content-length'] !== undefined || req.headers['transfer-encoding'] !== undefined;
    pool
      .request({
        path,
        method: req.method as Dispatcher.HttpMethod,
        headers,
        body: hasBody ? req : undefined,
      })
      .then(
        (answer) => {
          const out: Record<string, string | string[]> = {};
          for (const [name, value] of Object.entries(answer.headers)) {
            if (value !== undefined && !hopByHop.has(name)) out[name] = value;
          }
          res.writeHead(answer.statusCode, out);
          pipeline(answer.body, res, () => {});
        },
        () => {
          res.writeHead(502).end();
        },
      );
  });
}
