import type { AddressInfo } from 'node:net';
import { agoraProvider } from '../providers/agora';
import { createGateway } from '../src/app';
import { listen } from '../src/server';
import { baselineServer } from './baseline';
import { benchApp, type ServerMessage } from './params';

/**
 * Child process entry: `server.ts gateway|baseline` listens on an ephemeral port, tells the
 * parent its URL, and answers `usage` requests. Each server has a process of its own.
 */
let logLines = 0;

async function start(kind: string): Promise<string> {
  if (kind === 'baseline') {
    const server = baselineServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  }
  const gateway = await createGateway({
    env: {
      AGORA_APP_ID: benchApp.appId,
      AGORA_APP_CERTIFICATE: benchApp.appCertificate,
      LOG_LEVEL: 'info',
    },
    definitions: [agoraProvider],
    // Access lines are fully formatted, then dropped: the cost of logging without the disk.
    writeLog: () => {
      logLines += 1;
    },
  });
  return (await listen(gateway, '127.0.0.1', 0)).url;
}

const send = (message: ServerMessage) => process.send?.(message);

process.on('message', (message) => {
  if (message !== 'usage') return;
  const { user, system } = process.cpuUsage();
  send({ kind: 'usage', cpuMicros: user + system, logLines });
});
process.on('disconnect', () => process.exit(0));

start(process.argv[2] ?? '').then(
  (url) => send({ kind: 'ready', url }),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
