import type { Duplex } from 'node:stream';
import { GatewayError } from '../errors';
import type { Logger } from '../logger';
import { requestIdOf } from './request-id';
import { answerOnSocket } from './socket-answer';

/** Node's parser codes, as the contract's errors. */
function errorFor(code: string | undefined): GatewayError {
  if (code === 'HPE_HEADER_OVERFLOW') {
    return new GatewayError('headers_too_large', 'the request headers are too large');
  }
  if (code === 'ERR_HTTP_REQUEST_TIMEOUT') {
    return new GatewayError('request_timeout', 'the request was not received in time');
  }
  return new GatewayError('invalid_request', 'the request is not well-formed HTTP/1.1');
}

/**
 * The server's `clientError` listener: what Node refuses before Koa sees a request (bad
 * framing, header overflow, timeouts) is answered in the contract's JSON envelope.
 */
export const clientErrorListener =
  (logger: Logger) =>
  (error: NodeJS.ErrnoException, socket: Duplex): void => {
    // An answer already under way on this connection cannot be followed by another one.
    const answering = (socket as { _httpMessage?: { headersSent?: boolean } })._httpMessage;
    if (error.code === 'ECONNRESET' || !socket.writable || answering?.headersSent) {
      socket.destroy();
      return;
    }
    const refusal = errorFor(error.code);
    const requestId = requestIdOf(undefined);
    logger.info('request refused by the HTTP parser', {
      status: refusal.status,
      code: error.code,
      requestId,
    });
    answerOnSocket(socket, refusal, requestId);
  };
