import { createHash } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

/** A real HTTP server standing in for a microservice, counting the calls it gets. */
export interface Upstream {
  url: string;
  /** Requests received so far (counted when they arrive, before any answer). */
  calls: number;
  close(): Promise<void>;
}

/** What the echo upstream saw, as it answers it. */
export interface Echoed {
  method: string;
  /** The raw request target. */
  url: string;
  headers: Record<string, string | string[] | undefined>;
  bodyLength: number;
  bodySha256: string;
}

type Handler = (request: IncomingMessage, response: ServerResponse) => void;

/** A handler that is called once the whole request body has arrived. */
const buffered =
  (handle: (request: IncomingMessage, body: Buffer, response: ServerResponse) => void): Handler =>
  (request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => handle(request, Buffer.concat(chunks), response));
  };

async function start(handle: Handler): Promise<Upstream> {
  const sockets = new Set<Socket>();
  const upstream = { url: '', calls: 0, close: async () => {} };
  const server = createServer((request, response) => {
    upstream.calls += 1;
    handle(request, response);
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  upstream.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  upstream.close = () =>
    new Promise<void>((resolve) => {
      sockets.forEach((socket) => socket.destroy());
      server.close(() => resolve());
    });
  return upstream;
}

/** Answers 200 with a JSON {@link Echoed} of the request it received. */
export const startEchoUpstream = () =>
  start(
    buffered((request, body, response) => {
      const echoed: Echoed = {
        method: request.method ?? '',
        url: request.url ?? '',
        headers: request.headers,
        bodyLength: body.length,
        bodySha256: createHash('sha256').update(body).digest('hex'),
      };
      response.writeHead(200, { 'content-type': 'application/json' });
      response.end(JSON.stringify(echoed));
    }),
  );

/**
 * Answers with the response headers named in the query, and no other (not even a
 * content-type): `?h=auth-userId=42&h=auth-x=1` sends `auth-userId: 42` and `auth-x: 1`.
 * The body is `written`.
 */
export const startWriterUpstream = () =>
  start(
    buffered((request, _body, response) => {
      const query = new URL(request.url ?? '/', 'http://upstream').searchParams;
      const headers: Array<[string, string]> = query.getAll('h').map((pair) => {
        const at = pair.indexOf('=');
        return [pair.slice(0, at), pair.slice(at + 1)];
      });
      response.writeHead(200, headers.flat());
      response.end('written');
    }),
  );

/**
 * Streams each request body straight back as the response body, chunk by chunk as it arrives,
 * so a client sees its first bytes come back before it has sent the rest.
 */
export const startMirrorUpstream = () =>
  start((request, response) => {
    response.writeHead(200, { 'content-type': 'application/octet-stream' });
    request.pipe(response);
  });

/** Accepts requests and never answers them. */
export const startStallingUpstream = () => start(() => {});

/** A URL where nothing listens: connections are refused. */
export async function downUpstreamUrl(): Promise<string> {
  const upstream = await start(() => {});
  await upstream.close();
  return upstream.url;
}

/**
 * Announces a body of `length` bytes, sends a tenth of it, then stalls: a service that dies
 * mid-answer.
 */
export const startTruncatingUpstream = (length = 10_000) =>
  start((_request, response) => {
    response.writeHead(200, { 'content-type': 'text/plain', 'content-length': String(length) });
    response.write('x'.repeat(length / 10));
  });
