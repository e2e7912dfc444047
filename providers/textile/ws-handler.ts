import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type RawData, type WebSocket } from 'ws';
import { GatewayError } from '../../src/errors';
import type { Logger } from '../../src/logger';
import type { HeldChallenge, TextileService } from './service';
import { parseClientMessage, parseSocketSignature } from './ws-messages';

/** The WebSocket route of the token flow, as an upgrade handler. */
export interface TokenSocketServer {
  upgrade(request: IncomingMessage, socket: Duplex, head: Buffer): void;
  close(): Promise<void>;
}

/** What the token socket serves and with what. */
export interface TokenSocketOptions {
  service: TextileService;
  logger: Logger;
  /** How long a connection may wait for each client message. */
  waitMs: number;
}

const toBuffer = (data: RawData): Buffer =>
  Buffer.isBuffer(data) ? data : Array.isArray(data) ? Buffer.concat(data) : Buffer.from(data);

/**
 * One token per connection, in the message protocol of Textile's browser example:
 * `token` → `challenge` → `challenge` (signed) → `token`, then close.
 */
export function createTokenSocketServer(options: TokenSocketOptions): TokenSocketServer {
  const { service, logger, waitMs } = options;
  // Frames up to 64 KiB are read so that 4–64 KiB messages get a JSON error rather than
  // a bare 1009 close; ws itself refuses anything larger.
  const wss = new WebSocketServer({ noServer: true, maxPayload: 64 * 1024 });

  const serve = (ws: WebSocket) => {
    let stage: 'token' | 'opening' | 'signature' | 'answering' | 'done' = 'token';
    let held: HeldChallenge | undefined;
    let timer: NodeJS.Timeout | undefined;

    const finish = (code: number, message?: object) => {
      if (stage === 'done') return;
      stage = 'done';
      clearTimeout(timer);
      // Freed here rather than on 'close': a client that never completes the close handshake
      // would otherwise hold the hub stream and its pending place for ws's 30 s close timeout.
      held?.abort();
      if (ws.readyState !== ws.OPEN) return;
      if (message) ws.send(JSON.stringify(message));
      ws.close(code);
    };
    const fail = (error: unknown) => {
      const known = error instanceof GatewayError;
      // Only the error's name: an unexpected message might quote something secret.
      if (!known) {
        logger.error('websocket token flow failed', {
          error: error instanceof Error ? error.name : 'unknown',
        });
      }
      const value = known ? error.message : 'internal error';
      const client = known && error.status < 500;
      logger.info('websocket token', { outcome: known ? error.code : 'internal_error' });
      finish(client ? 1008 : 1011, { type: 'error', value });
    };
    const wait = () => {
      clearTimeout(timer);
      timer = setTimeout(
        () => fail(new GatewayError('invalid_request', 'timed out waiting for a message')),
        waitMs,
      );
    };

    const onMessage = async (data: RawData) => {
      const message = parseClientMessage(toBuffer(data));
      if (stage === 'token' && message.type === 'token') {
        stage = 'opening';
        clearTimeout(timer);
        held = await service.holdChallenge(message.pubkey, 'pubkey');
        if (stage !== 'opening') return held.abort();
        stage = 'signature';
        wait();
        ws.send(JSON.stringify({ type: 'challenge', value: Buffer.from(held.challenge).toJSON() }));
        return;
      }
      if (stage === 'signature' && message.type === 'challenge' && held) {
        const signature = parseSocketSignature(message.sig);
        stage = 'answering';
        clearTimeout(timer);
        const answer = await held.answer(signature);
        logger.info('websocket token', { outcome: 'issued' });
        finish(1000, {
          type: 'token',
          value: answer.userAuth,
          identity: answer.identity,
          expiresAt: answer.expiresAt,
        });
        return;
      }
      throw new GatewayError(
        'invalid_request',
        `unexpected "${message.type}" message; send {"type":"token","pubkey":…} first, then {"type":"challenge","sig":…}`,
      );
    };

    wait();
    ws.on('message', (data) => {
      if (stage === 'done') return;
      onMessage(data).catch(fail);
    });
    ws.on('error', () => ws.terminate());
    ws.on('close', () => {
      stage = 'done';
      clearTimeout(timer);
      held?.abort();
    });
  };

  wss.on('connection', serve);

  return {
    upgrade(request, socket, head) {
      wss.handleUpgrade(request, socket, head, (ws) => wss.emit('connection', ws, request));
    },
    close() {
      wss.clients.forEach((ws) => ws.terminate());
      return new Promise<void>((resolve) => wss.close(() => resolve()));
    },
  };
}
