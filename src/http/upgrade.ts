import type { IncomingMessage, Server } from 'node:http';
import type { Duplex } from 'node:stream';
import { GatewayError } from '../errors';
import type { Logger } from '../logger';
import { requestIdOf } from './request-id';
import { answerOnSocket, guardSocket } from './socket-answer';

/** Takes over a socket whose WebSocket handshake the core has checked. */
export type WebSocketHandler = (request: IncomingMessage, socket: Duplex, head: Buffer) => void;

const websocketKey = /^[A-Za-z0-9+/]{22}==$/;
const hopTokens = /^(upgrade|http2-settings)$/i;

/**
 * The request again, as bytes, without its upgrade offer: a request offering `h2c` (what
 * `curl --http2` sends to an http:// URL) is an ordinary HTTP/1.1 request to a server that
 * does not take the offer.
 */
function withoutUpgradeOffer(request: IncomingMessage): Buffer {
  const lines = [`${request.method} ${request.url} HTTP/${request.httpVersion}`];
  const raw = request.rawHeaders;
  for (let i = 0; i < raw.length; i += 2) {
    const [name, value] = [raw[i]!, raw[i + 1]!];
    if (hopTokens.test(name)) continue;
    if (/^connection$/i.test(name)) {
      const kept = value
        .split(',')
        .map((token) => token.trim())
        .filter((token) => token && !hopTokens.test(token));
      if (kept.length > 0) lines.push(`${name}: ${kept.join(', ')}`);
      continue;
    }
    lines.push(`${name}: ${value}`);
  }
  // Header bytes reach JavaScript as latin1, so latin1 writes them back unchanged.
  return Buffer.from(`${lines.join('\r\n')}\r\n\r\n`, 'latin1');
}

function handshakeProblem(
  request: IncomingMessage,
  handler: WebSocketHandler | undefined,
): GatewayError | undefined {
  if (!handler) return new GatewayError('not_found', 'no WebSocket route at this path');
  if (request.method !== 'GET') {
    return new GatewayError('method_not_allowed', 'a WebSocket is opened with GET', undefined, {
      Allow: 'GET',
    });
  }
  if (request.headers['sec-websocket-version'] !== '13') {
    return new GatewayError(
      'invalid_request',
      'Sec-WebSocket-Version must be 13',
      'sec-websocket-version',
      { 'Sec-WebSocket-Version': '13' },
    );
  }
  if (!websocketKey.test(request.headers['sec-websocket-key'] ?? '')) {
    return new GatewayError(
      'invalid_request',
      'Sec-WebSocket-Key must be 16 bytes in base64',
      'sec-websocket-key',
    );
  }
  return undefined;
}

/**
 * The server's `upgrade` listener. WebSocket handshakes go to the handler of their path once
 * they are well formed, and are refused in the JSON envelope otherwise; any other upgrade
 * offer is declined and the request served as plain HTTP/1.1 on the same connection.
 */
export function upgradeListener(
  server: Server,
  webSocketAt: (pathname: string) => WebSocketHandler | undefined,
  logger: Logger,
) {
  return (request: IncomingMessage, socket: Duplex, head: Buffer): void => {
    guardSocket(socket);
    if (!/^\s*websocket\s*$/i.test(request.headers.upgrade ?? '')) {
      socket.unshift(Buffer.concat([withoutUpgradeOffer(request), head]));
      server.emit('connection', socket);
      return;
    }
    const pathname = (request.url ?? '').split('?')[0]!;
    const handler = webSocketAt(pathname);
    const problem = handshakeProblem(request, handler);
    if (!problem) return handler!(request, socket, head);
    const requestId = requestIdOf(request.headers['x-request-id']);
    logger.info('websocket refused', {
      method: request.method,
      status: problem.status,
      code: problem.code,
      requestId,
    });
    answerOnSocket(socket, problem, requestId);
  };
}
