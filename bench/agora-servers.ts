import Router from '@koa/router';
import { RtcRole, RtcTokenBuilder } from 'agora-token';
import Koa from 'koa';
import { createServer, type Server } from 'node:http';
import { benchApp } from './params';

/** The answer both baselines give, built with the same agora-token call as the gateway. */
function rtcAnswer(channel: string, uid: number, expiry: number) {
  const token = RtcTokenBuilder.buildTokenWithUid(
    benchApp.appId,
    benchApp.appCertificate,
    channel,
    uid,
    RtcRole.PUBLISHER,
    expiry,
    expiry,
  );
  return {
    token,
    type: 'rtc',
    channel,
    uid,
    role: 'publisher',
    expiresIn: expiry,
    expiresAt: new Date(Date.now() + expiry * 1000).toISOString(),
  };
}

/** The least a token server can do: bare `node:http`. */
export function nodeAgoraServer(): Server {
  return createServer((req, res) => {
    const query = new URL(req.url ?? '/', 'http://localhost').searchParams;
    const body = JSON.stringify(
      rtcAnswer(
        query.get('channel') ?? '',
        Number(query.get('uid')),
        Number(query.get('expiry') ?? 3600),
      ),
    );
    res.writeHead(200, {
      'Content-Type': 'application/json; charset=utf-8',
      'Cache-Control': 'no-store',
      Pragma: 'no-cache',
    });
    res.end(body);
  });
}

/** What the tutorials' servers are: a minimal Koa + @koa/router app, no validation or logging. */
export function koaAgoraServer(): Server {
  const app = new Koa();
  const router = new Router();
  router.get('/api/agora/rtc', (ctx) => {
    const { channel = '', uid = '0', expiry = '3600' } = ctx.query as Record<string, string>;
    ctx.set('Cache-Control', 'no-store');
    ctx.set('Pragma', 'no-cache');
    ctx.body = rtcAnswer(channel, Number(uid), Number(expiry));
  });
  app.use(router.routes());
  return createServer(app.callback());
}
