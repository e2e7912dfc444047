import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { providerDefinitions } from '../providers';
import { createGateway } from '../src/app';
import { listen } from '../src/server';
import { koaAgoraServer, nodeAgoraServer } from './agora-servers';
import { nodeProxyServer, upstreamServer } from './kinto-servers';
import type { ServerMessage } from './params';

/**
 * Child process entry: `server.ts <kind>` listens on an ephemeral port, tells the parent its
 * URL and answers `usage` requests. Each server has a process (and a core's worth) of its own.
 * `gateway` reads its configuration from the environment the parent gives it, and writes its
 * access log to stdout, which is a pipe to the parent: what a container runtime gives it.
 */
async function listenOn(server: Server): Promise<string> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

async function start(kind: string): Promise<string> {
  switch (kind) {
    case 'node-agora':
      return listenOn(nodeAgoraServer());
    case 'koa-agora':
      return listenOn(koaAgoraServer());
    case 'upstream':
      return listenOn(upstreamServer());
    case 'node-proxy':
      return listenOn(nodeProxyServer(process.env.BENCH_UPSTREAM!));
    case 'gateway': {
      const gateway = await createGateway({ env: process.env, definitions: providerDefinitions });
      return (await listen(gateway, '127.0.0.1', 0)).url;
    }
  }
  throw new Error(`unknown server kind ${kind}`);
}

const send = (message: ServerMessage) => process.send?.(message);

process.on('message', (message) => {
  if (message !== 'usage') return;
  const { user, system } = process.cpuUsage();
  send({ kind: 'usage', cpuMicros: user + system });
});
process.on('disconnect', () => process.exit(0));

start(process.argv[2] ?? '').then(
  (url) => send({ kind: 'ready', url }),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
