import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Gateway } from './app';
import { clientErrorListener } from './http/protocol-errors';
import { maxHeaderFields } from './http/request-head';
import { upgradeListener } from './http/upgrade';

/** A gateway bound to a port. */
export interface RunningServer {
  server: Server;
  /** Base URL, e.g. `http://127.0.0.1:3000`. */
  url: string;
  /**
   * Stops accepting, lets in-flight requests finish for at most `timeoutMs`, then cuts the
   * remaining connections and closes the providers.
   */
  close(timeoutMs?: number): Promise<void>;
}

export async function listen(gateway: Gateway, host: string, port: number): Promise<RunningServer> {
  const { HEADERS_TIMEOUT, REQUEST_TIMEOUT } = gateway.config;
  // Node checks these timeouts every 30 s by default: too coarse for a client that stalls.
  const server = createServer(
    { connectionsCheckingInterval: Math.min(1_000, HEADERS_TIMEOUT / 2) },
    gateway.app.callback(),
  );
  server.on('upgrade', upgradeListener(server, gateway.webSocketAt, gateway.logger));
  server.on('clientError', clientErrorListener(gateway.logger));
  // One more than the gateway accepts, so that a request with too many is seen and refused.
  server.maxHeadersCount = maxHeaderFields + 1;
  server.keepAliveTimeout = 5_000;
  server.headersTimeout = HEADERS_TIMEOUT;
  // A client that declares a body and never sends it must not hold a socket for Node's 300 s.
  server.requestTimeout = Math.max(REQUEST_TIMEOUT, HEADERS_TIMEOUT);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve());
  });
  const address = server.address() as AddressInfo;
  const shownHost = ['0.0.0.0', '::'].includes(address.address) ? '127.0.0.1' : address.address;
  let closing: Promise<void> | undefined;
  return {
    server,
    url: `http://${shownHost.includes(':') ? `[${shownHost}]` : shownHost}:${address.port}`,
    close(timeoutMs = gateway.config.SHUTDOWN_TIMEOUT) {
      closing ??= (async () => {
        const closed = new Promise<void>((resolve) => server.close(() => resolve()));
        // Keep-alive connections become idle as their requests finish; close them as they do.
        const sweeper = setInterval(() => server.closeIdleConnections(), 25);
        server.closeIdleConnections();
        const deadline = setTimeout(() => server.closeAllConnections(), timeoutMs);
        await closed;
        clearInterval(sweeper);
        clearTimeout(deadline);
        await gateway.close();
      })();
      return closing;
    },
  };
}

/**
 * Closes `running` on SIGTERM or SIGINT, then exits; an uncaught exception is logged (its type
 * and frames only, never its message) and ends the process. Logs are flushed either way.
 */
export function closeOnSignals(running: RunningServer, gateway: Gateway): void {
  const exit = (code: number) => {
    gateway.logger.flush();
    process.exit(code);
  };
  process.once('uncaughtException', (error) => {
    const frames = (error.stack ?? '')
      .split('\n')
      .slice(1, 8)
      .map((f) => f.trim());
    gateway.logger.error('uncaught exception: exiting', { error: error.name, frames });
    exit(1);
  });
  const stop = (signal: NodeJS.Signals) => {
    gateway.logger.info('shutting down', { signal });
    running.close().then(
      () => exit(0),
      (error: unknown) => {
        gateway.logger.error('shutdown failed', { error: (error as Error)?.name });
        exit(1);
      },
    );
  };
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
}
