import { RtcRole, RtcTokenBuilder } from 'agora-token';
import { createServer, type Server } from 'node:http';
import { benchApp } from './params';

/**
 * The least a token server can do: a bare `node:http` handler calling the same agora-token
 * builder with the same parameters and answering the same JSON and headers.
 */
export function baselineServer(): Server {
  return createServer((req, res) => {
    const query = new URL(req.url ?? '/', 'http://localhost').searchParams;
    const channel = query.get('channel') ?? '';
    const uid = Number(query.get('uid'));
    const expiry = Number(query.get('expiry') ?? 3600);
    const token = RtcTokenBuilder.buildTokenWithUid(
      benchApp.appId,
      benchApp.appCertificate,
      channel,
      uid,
      RtcRole.PUBLISHER,
      expiry,
      expiry,
    );
    const body = JSON.stringify({
      token,
      type: 'rtc',
      channel,
      uid,
      role: 'publisher',
      expiresIn: expiry,
      expiresAt: new Date(Date.now() + expiry * 1000).toISOString(),
    });
    res.writeHead(200, {
      'Content-Type': 'application/json; charset=utf-8',
      'Cache-Control': 'no-store',
      Pragma: 'no-cache',
    });
    res.end(body);
  });
}
