import type { IncomingMessage } from 'node:http';
import type { Middleware } from 'koa';

const declaresBody = (req: IncomingMessage) =>
  req.headers['transfer-encoding'] !== undefined ||
  (req.headers['content-length'] !== undefined && req.headers['content-length'] !== '0');

/**
 * Answers that come before the body was read (413, 415, 401…) close the connection: Node
 * would otherwise wait to drain a body the client may never send, and the next request on
 * the kept-alive connection would never be answered. Bodies still being streamed (the Kinto
 * proxy) are left alone.
 */
export const closeAfterUnreadBody = (): Middleware => async (ctx, next) => {
  try {
    await next();
  } finally {
    const req = ctx.req;
    if (!ctx.headerSent && declaresBody(req) && !req.complete && req.readableFlowing !== true) {
      ctx.set('Connection', 'close');
    }
  }
};
