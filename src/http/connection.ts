import type { IncomingMessage } from 'node:http';
import type { Middleware } from 'koa';
import { invalidRequest } from '../errors';

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
    if (declaresBody(req) && !req.complete && req.readableFlowing !== true) {
      ctx.set('Connection', 'close');
    }
  }
};

/** Two `Host` headers make the authority ambiguous: Node keeps the first, a proxy the last. */
export const refuseAmbiguousHost = (): Middleware => (ctx, next) => {
  const raw = ctx.req.rawHeaders;
  let hosts = 0;
  for (let i = 0; i < raw.length; i += 2)
    if (raw[i]!.length === 4 && /^host$/i.test(raw[i]!)) hosts++;
  if (hosts > 1) throw invalidRequest('host', 'send exactly one Host header');
  return next();
};
