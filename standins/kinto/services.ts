import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** A small HTTP service on an ephemeral port of 127.0.0.1. */
export interface DemoService {
  url: string;
  close(): Promise<void>;
}

type Handler = (request: IncomingMessage, body: string, response: ServerResponse) => void;

function reply(response: ServerResponse, status: number, body: unknown, headers = {}): void {
  response.writeHead(status, { 'content-type': 'application/json', ...headers });
  response.end(JSON.stringify(body));
}

async function serve(handler: Handler): Promise<DemoService> {
  const server: Server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => handler(request, Buffer.concat(chunks).toString('utf8'), response));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

const parse = (body: string): Record<string, unknown> => {
  try {
    return JSON.parse(body) as Record<string, unknown>;
  } catch {
    return {};
  }
};

/**
 * The tutorial's `auth` service: `POST /login` `{username}` writes `auth-userId` and
 * `auth-username` into the session; `POST /logout` clears them (empty values).
 */
export function startAuthService(): Promise<DemoService> {
  const ids = new Map<string, number>();
  return serve((request, body, response) => {
    if (request.method === 'POST' && request.url === '/login') {
      const username = String(parse(body).username ?? 'KintoUser').slice(0, 64) || 'KintoUser';
      const userId = ids.get(username) ?? ids.size + 1;
      ids.set(username, userId);
      return reply(
        response,
        200,
        { message: 'Logged in successfully' },
        { 'auth-userId': String(userId), 'auth-username': username },
      );
    }
    if (request.method === 'POST' && request.url === '/logout') {
      return reply(
        response,
        200,
        { message: 'Logged out' },
        { 'auth-userId': '', 'auth-username': '' },
      );
    }
    reply(response, 404, { message: 'try POST /login or POST /logout' });
  });
}

/**
 * The tutorial's `articles` service: it trusts the session headers the gateway injects.
 * `GET /articles` lists them; `POST /articles` `{title}` adds one by the logged-in user.
 */
export function startArticlesService(): Promise<DemoService> {
  const articles = [{ id: 1, title: 'Hello from KintoHub-style sessions', author: 'gateway' }];
  return serve((request, body, response) => {
    const userId = request.headers['auth-userid'];
    const username = request.headers['auth-username'];
    const path = (request.url ?? '/').split('?')[0];
    if (request.method === 'GET' && path === '/articles') {
      return reply(response, 200, { reader: userId ? { userId, username } : null, articles });
    }
    if (request.method === 'POST' && path === '/articles' && userId) {
      const article = {
        id: articles.length + 1,
        title: String(parse(body).title ?? 'untitled').slice(0, 200),
        author: String(username ?? userId),
      };
      articles.push(article);
      return reply(response, 201, article);
    }
    reply(response, 404, { message: 'try GET /articles or POST /articles' });
  });
}
