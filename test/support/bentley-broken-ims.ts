import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

/** How the stand-in answers token requests. */
export type ImsMode =
  | 'ok'
  | 'status500'
  | 'garbage'
  | 'stall'
  | 'invalid_client'
  | 'leaky_error'
  | 'huge'
  | 'huge_discovery';

/** What `leaky_error` puts in its `error` field: a misbehaving IMS quoting the secret. */
export const leakedSecret = 'S3cr%t+with:odd/chars zz';

/**
 * A deliberately unreliable token endpoint on an ephemeral port: it stands in for an IMS
 * having a bad day. In `ok` mode it issues opaque tokens `opaque-<n>`.
 */
export interface BrokenIms {
  tokenUrl: string;
  mode: ImsMode;
  /** Lifetime announced in `ok` mode, in seconds. */
  expiresIn: number;
  /** Token requests received. */
  requests: number;
  close(): Promise<void>;
}

export async function startBrokenIms(mode: ImsMode = 'ok'): Promise<BrokenIms> {
  let issued = 0;
  const server = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      ims.requests += 1;
      const json = (status: number, body: unknown) => {
        res.writeHead(status, { 'content-type': 'application/json' });
        res.end(JSON.stringify(body));
      };
      switch (ims.mode) {
        case 'ok':
          issued += 1;
          return json(200, {
            access_token: `opaque-${issued}`,
            token_type: 'Bearer',
            expires_in: ims.expiresIn,
            scope: 'itwin-platform',
          });
        case 'status500':
          return json(500, { error: 'server_error' });
        case 'garbage':
          res.writeHead(200, { 'content-type': 'application/json' });
          return res.end('<html>Bad gateway</html>');
        case 'invalid_client':
          return json(401, {
            error: 'invalid_client',
            error_description: 'client authentication failed',
          });
        case 'leaky_error':
          return json(401, {
            error: `invalid_client ${leakedSecret}`,
            error_description: `client secret ${leakedSecret} is wrong`,
          });
        case 'huge':
        case 'huge_discovery': {
          // 50 MB streamed: a gateway that buffers answers whole would hold all of it.
          res.writeHead(200, { 'content-type': 'application/json' });
          const chunk = 'A'.repeat(1024 * 1024);
          res.write(
            ims.mode === 'huge'
              ? '{"token_type":"Bearer","expires_in":300,"access_token":"'
              : `{"issuer":"x","token_endpoint":"${ims.tokenUrl}","pad":"`,
          );
          let sent = 0;
          const more = () => {
            while (sent < 50 && res.write(chunk)) sent += 1;
            if (sent < 50) res.once('drain', more);
            else res.end('"}');
          };
          res.on('error', () => undefined);
          return more();
        }
        case 'stall':
          return; // never answers
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const ims: BrokenIms = {
    tokenUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}/token`,
    mode,
    expiresIn: 300,
    requests: 0,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
  return ims;
}

/** A URL on which nothing listens: connections are refused. */
export async function refusedUrl(path = '/token'): Promise<string> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return `http://127.0.0.1:${port}${path}`;
}
