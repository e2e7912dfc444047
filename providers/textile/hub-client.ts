import type { Client, PrivateKey } from '@textile/hub';
import type { Logger } from '../../src/logger';
import { textileHub } from './hub-library';
import { hubFailure, hubTimeout, type HubStage } from './hub-errors';

// No global WebSocket is installed: @textile/grpc-transport opens its sockets through
// isomorphic-ws, which resolves to the `ws` package under Node.

/** Where and as whom the gateway talks to the hub. */
export interface HubClientOptions {
  url: string;
  key: string;
  secret: string;
  timeoutMs: number;
  logger: Logger;
  /** Receives each stage's outcome (`ok`, `timeout`, `error`) and duration in seconds. */
  observe(stage: HubStage, outcome: 'ok' | 'timeout' | 'error', seconds: number): void;
}

/** An open GetToken stream that holds the hub's challenge until it is answered. */
export interface HubChallenge {
  /** The 32 random bytes the user must sign. */
  challenge: Uint8Array;
  /** Sends the signature; resolves with the hub's token. Call at most once. */
  answer(signature: Uint8Array): Promise<string>;
  /** Closes the stream without answering (expiry, shutdown). */
  abort(): void;
}

/** The gateway's side of the hub's GetToken call, through the unmodified `@textile/hub` client. */
export interface HubClient {
  /** The tutorial flow: `client.getToken(identity)`, signing with the user's private key. */
  tokenForPrivateKey(identity: PrivateKey): Promise<string>;
  /** Opens a stream for `publicKey` and resolves once the hub has sent its challenge. */
  openChallenge(publicKey: string): Promise<HubChallenge>;
  /** Aborts every open stream. */
  close(): void;
}

interface Deferred<T> {
  promise: Promise<T>;
  resolve(value: T): void;
  reject(error: unknown): void;
}

function deferred<T>(): Deferred<T> {
  let resolve!: (value: T) => void;
  let reject!: (error: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

type TransportFactory = NonNullable<Client['rpcOptions']['transport']>;

/**
 * Wraps the client's own transport so the stream can be cut: the client offers no way to
 * cancel a GetToken call, and a stalled hub would otherwise hold the socket open.
 */
function cancellable(client: Client): () => void {
  const original = client.rpcOptions.transport as TransportFactory;
  let cancelled = false;
  let cancel = () => {};
  const transport: TransportFactory = (options) => {
    const inner = original(options);
    let started = false;
    cancel = () => (started ? inner.cancel() : undefined);
    return {
      ...inner,
      start(metadata) {
        if (cancelled) return options.onEnd(new Error('cancelled'));
        started = true;
        inner.start(metadata);
      },
    };
  };
  client.rpcOptions = { ...client.rpcOptions, transport };
  return () => {
    cancelled = true;
    try {
      cancel();
    } catch {
      // the socket is already gone
    }
  };
}

export function createHubClient(options: HubClientOptions): HubClient {
  const { url, key, secret, timeoutMs, logger, observe } = options;
  const open = new Set<() => void>();

  /** Settles with `work`, or aborts the stream and fails with a 504 after the hub timeout. */
  const within = <T>(work: Promise<T>, stage: HubStage, abort: () => void): Promise<T> =>
    new Promise<T>((resolve, reject) => {
      let timedOut = false;
      const started = performance.now();
      const took = () => (performance.now() - started) / 1000;
      const timer = setTimeout(() => {
        timedOut = true;
        observe(stage, 'timeout', took());
        abort();
        reject(hubTimeout());
      }, timeoutMs);
      void work
        .then(
          (value) => {
            observe(stage, 'ok', took());
            resolve(value);
          },
          (error: unknown) => {
            // After a timeout the failure is only the abort's echo: not worth a warning.
            if (timedOut) return;
            observe(stage, 'error', took());
            reject(hubFailure(error, stage, logger));
          },
        )
        .finally(() => clearTimeout(timer));
    });

  const connect = async () => {
    const client = await textileHub().Client.withKeyInfo({ key, secret }, url);
    const cancel = cancellable(client);
    const abort = () => {
      open.delete(abort);
      cancel();
    };
    open.add(abort);
    return { client, abort };
  };

  return {
    async tokenForPrivateKey(identity) {
      const { client, abort } = await connect();
      try {
        return await within(client.getToken(identity), 'challenge', abort);
      } finally {
        open.delete(abort);
      }
    },

    async openChallenge(publicKey) {
      const { client, abort } = await connect();
      const challenge = deferred<Uint8Array>();
      const signature = deferred<Uint8Array>();
      const token = client.getTokenChallenge(publicKey, (bytes) => {
        challenge.resolve(bytes);
        return signature.promise;
      });
      token.then(
        () => open.delete(abort),
        (error: unknown) => {
          open.delete(abort);
          challenge.reject(error);
        },
      );
      const bytes = await within(challenge.promise, 'challenge', abort);
      let answered = false;
      return {
        challenge: bytes,
        answer(sig) {
          if (answered) throw new Error('a challenge is answered once');
          answered = true;
          signature.resolve(sig);
          return within(token, 'token', abort);
        },
        abort,
      };
    },

    close() {
      [...open].forEach((abort) => abort());
    },
  };
}
