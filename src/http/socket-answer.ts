import { STATUS_CODES } from 'node:http';
import type { Duplex } from 'node:stream';
import { errorEnvelope, type GatewayError } from '../errors';

/** A client that keeps a refused connection open is cut after this long. */
const lingerMs = 1_000;

/**
 * Gives a socket that Node has handed over (upgrades, protocol errors) the error listener
 * every socket outside Koa needs: a reset client must never become an uncaught exception.
 */
export function guardSocket(socket: Duplex): Duplex {
  if (!socket.listeners('error').includes(destroyOnError)) socket.on('error', destroyOnError);
  return socket;
}

function destroyOnError(this: Duplex) {
  this.destroy();
}

/**
 * Answers `error` in the contract's JSON envelope directly on a raw socket, then closes it:
 * `end()` lets the answer reach the client, the timer cuts a client that never closes.
 */
export function answerOnSocket(socket: Duplex, error: GatewayError, requestId: string): void {
  guardSocket(socket);
  if (!socket.writable) {
    socket.destroy();
    return;
  }
  const body = JSON.stringify(errorEnvelope(error, requestId));
  const head = [
    `HTTP/1.1 ${error.status} ${STATUS_CODES[error.status] ?? ''}`,
    'Content-Type: application/json; charset=utf-8',
    `Content-Length: ${Buffer.byteLength(body)}`,
    'Cache-Control: no-store',
    `X-Request-Id: ${requestId}`,
    'Connection: close',
    ...Object.entries(error.headers).map(([name, value]) => `${name}: ${value}`),
  ];
  const timer = setTimeout(() => socket.destroy(), lingerMs);
  timer.unref();
  socket.once('close', () => clearTimeout(timer));
  socket.end(`${head.join('\r\n')}\r\n\r\n${body}`);
}
