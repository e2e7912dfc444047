import { connect, createServer, type Server, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';

/**
 * A TCP proxy in front of a real server, which a test can make misbehave like a network:
 * `stall()` keeps connections open but forwards nothing (a hung Redis), `down()` cuts every
 * connection and refuses new ones (a dead one), `heal()` undoes either.
 */
export interface TcpProxy {
  port: number;
  stall(): void;
  down(): Promise<void>;
  heal(): Promise<void>;
  close(): Promise<void>;
}

export async function startTcpProxy(targetHost: string, targetPort: number): Promise<TcpProxy> {
  const pairs = new Set<{ client: Socket; server: Socket }>();
  let stalled = false;
  let server: Server | undefined;
  let port = 0;

  const pump = (from: Socket, to: Socket) =>
    from.on('data', (chunk: Buffer) => {
      if (to.write(chunk)) return;
      from.pause();
      to.once('drain', () => {
        if (!stalled) from.resume();
      });
    });

  const listen = async () => {
    server = createServer((client) => {
      const upstream = connect(targetPort, targetHost);
      const pair = { client, server: upstream };
      pairs.add(pair);
      const end = () => {
        pairs.delete(pair);
        client.destroy();
        upstream.destroy();
      };
      client.on('error', end).on('close', end);
      upstream.on('error', end).on('close', end);
      pump(client, upstream);
      pump(upstream, client);
      if (stalled) {
        client.pause();
        upstream.pause();
      }
    });
    await new Promise<void>((resolve) => server!.listen(port, '127.0.0.1', resolve));
    port = (server.address() as AddressInfo).port;
  };
  const cutAll = () => {
    for (const { client, server: upstream } of pairs) {
      client.destroy();
      upstream.destroy();
    }
  };
  const stopListening = () =>
    new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));

  await listen();
  return {
    get port() {
      return port;
    },
    stall() {
      stalled = true;
      for (const { client, server: upstream } of pairs) {
        client.pause();
        upstream.pause();
      }
    },
    async down() {
      const closing = stopListening();
      cutAll();
      await closing;
      server = undefined;
    },
    async heal() {
      stalled = false;
      for (const { client, server: upstream } of pairs) {
        client.resume();
        upstream.resume();
      }
      if (!server) await listen();
    },
    async close() {
      const closing = stopListening();
      cutAll();
      await closing;
    },
  };
}
