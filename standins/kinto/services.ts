import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** A small HTTP service on an ephemeral port of 127.0.0.1. */
export interface DemoService {
  url: string;
  close(): Promise<void>;
}

/** A request the service refuses, answered as the gateway's error envelope. */
class Refusal extends Error {
  constructor(
    readonly field: string,
    message: string,
  ) {
    super(message);
  }
}

type Handler = (
  request: IncomingMessage,
  body: Record<string, unknown>,
  response: ServerResponse,
) => void;

const maxBodyBytes = 16 * 1024;

function reply(response: ServerResponse, status: number, body: unknown, headers = {}): void {
  response.writeHead(status, { 'content-type': 'application/json', ...headers });
  response.end(JSON.stringify(body));
}

function parse(text: string): Record<string, unknown> {
  if (text === '') return {};
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    throw new Refusal('body', 'request body is not valid JSON');
  }
  if (!body || typeof body !== 'object' || Array.isArray(body)) {
    throw new Refusal('body', 'request body must be a JSON object');
  }
  return body as Record<string, unknown>;
}

/**
 * These services run inside the demo gateway's process: a bad request must be a 400, and
 * nothing may throw out of a handler, or one request would stop every provider.
 */
async function serve(handler: Handler): Promise<DemoService> {
  const server: Server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    let size = 0;
    request.on('error', () => response.destroy());
    request.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size <= maxBodyBytes) chunks.push(chunk);
    });
    request.on('end', () => {
      try {
        if (size > maxBodyBytes) throw new Refusal('body', `body is over ${maxBodyBytes} bytes`);
        handler(request, parse(Buffer.concat(chunks).toString('utf8')), response);
      } catch (error) {
        if (response.headersSent) return void response.destroy();
        if (error instanceof Refusal) {
          const { field, message } = error;
          return reply(response, 400, { error: { code: 'invalid_request', message, field } });
        }
        reply(response, 500, { error: { code: 'internal_error', message: 'internal error' } });
      }
    });
  });
  server.on('clientError', (_error, socket) => socket.destroy());
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

/** A string field of `pattern`, or `fallback` when absent. */
function textField(
  body: Record<string, unknown>,
  field: string,
  pattern: RegExp,
  rule: string,
  fallback: string,
) {
  const value = body[field];
  if (value === undefined) return fallback;
  if (typeof value !== 'string' || !pattern.test(value))
    throw new Refusal(field, `${field} must be ${rule}`);
  return value;
}

/**
 * The tutorial's `auth` service: `POST /login` `{username}` writes `auth-userId` and
 * `auth-username` into the session; `POST /logout` clears them (empty values). Usernames are
 * what a header can carry: 1–64 ASCII letters, digits, `.`, `_` or `-`.
 */
export function startAuthService(): Promise<DemoService> {
  const ids = new Map<string, number>();
  return serve((request, body, response) => {
    if (request.method === 'POST' && request.url === '/login') {
      const username = textField(
        body,
        'username',
        /^[A-Za-z0-9._-]{1,64}$/,
        '1 to 64 letters, digits, ".", "_" or "-"',
        'KintoUser',
      );
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
  let lastId = 1;
  return serve((request, body, response) => {
    const userId = request.headers['auth-userid'];
    const username = request.headers['auth-username'];
    const path = (request.url ?? '/').split('?')[0];
    if (request.method === 'GET' && path === '/articles') {
      return reply(response, 200, { reader: userId ? { userId, username } : null, articles });
    }
    if (request.method === 'POST' && path === '/articles' && userId) {
      const title = textField(
        body,
        'title',
        /^[^\p{Cc}]{1,200}$/u,
        '1 to 200 characters',
        'untitled',
      );
      lastId += 1;
      const article = { id: lastId, title, author: String(username ?? userId) };
      // A demo keeps a bounded list: the oldest article gives way.
      if (articles.length >= 1000) articles.splice(1, 1);
      articles.push(article);
      return reply(response, 201, article);
    }
    reply(response, 404, { message: 'try GET /articles or POST /articles' });
  });
}
