import { PrivateKey, PublicKey } from '@textile/hub';
import { GetTokenReply, GetTokenRequest } from '@textile/threads-client-grpc/threads_pb';
import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebSocketServer, type WebSocket } from 'ws';
import { apiSignatureMatches } from './api-signature';
import { multibaseBase32 } from './base32';
import { messageFrame, metadataFrame, parseClientChunk, parseMetadata } from './grpc-web';

/**
 * How the emulator behaves: `ok`; `refuse-key` answers every stream "API key not found";
 * `stall` never answers; `stall-token` sends the challenge but never the token; `drop` cuts
 * the socket when the key arrives; `drop-token` cuts it when the signature arrives.
 */
export type HubMode = 'ok' | 'refuse-key' | 'stall' | 'stall-token' | 'drop' | 'drop-token';

/** A local Textile Hub answering `threads.pb.API/GetToken` over grpc-web WebSockets. */
export interface HubEmulator {
  /** Base URL for `Client.withKeyInfo(…, url)`. */
  url: string;
  apiKey: string;
  /** Multibase base32 secret, as the hub CLI prints it. */
  apiSecret: string;
  /** The hub's own identity: `iss` of its tokens and the key they verify with. */
  hubKey: PublicKey;
  mode: HubMode;
  /** Streams currently open. */
  openStreams(): number;
  /** Tokens issued so far. */
  tokensIssued(): number;
  close(): Promise<void>;
}

/** Fixed credentials (generated otherwise) and the hub's signature wait. */
export interface HubEmulatorOptions {
  apiKey?: string;
  apiSecret?: string;
  /** How long the hub waits for the signature; the real hub waits one minute. */
  signatureTimeoutMs?: number;
}

/** gRPC status codes the hub answers with. */
const status = { ok: 0, invalidArgument: 3, deadlineExceeded: 4, notFound: 5, unauthenticated: 16 };

const base64url = (bytes: Uint8Array | string) => Buffer.from(bytes).toString('base64url');

async function issueJwt(hub: PrivateKey, subject: string): Promise<string> {
  const header = base64url(JSON.stringify({ alg: 'Ed25519', typ: 'JWT' }));
  const claims = base64url(
    JSON.stringify({
      iat: Math.floor(Date.now() / 1000),
      iss: hub.public.toString(),
      sub: subject,
    }),
  );
  const signature = await hub.sign(Buffer.from(`${header}.${claims}`));
  return `${header}.${claims}.${base64url(signature)}`;
}

function checkApiKey(headers: Record<string, string>, apiKey: string, apiSecret: string) {
  if (headers['x-textile-api-key'] !== apiKey) {
    return { code: status.notFound, message: 'API key not found or is invalid' };
  }
  const sig = headers['x-textile-api-sig'];
  const msg = headers['x-textile-api-sig-msg'];
  if (!sig || !msg) return { code: status.unauthenticated, message: 'API key signature required' };
  const until = Date.parse(msg);
  if (!(until > Date.now()) || !apiSignatureMatches(apiSecret, msg, sig)) {
    return { code: status.unauthenticated, message: 'Bad API key signature' };
  }
  return undefined;
}

/** Starts the emulator on an ephemeral port of 127.0.0.1 with a generated key and secret. */
export async function startHubEmulator(options: HubEmulatorOptions = {}): Promise<HubEmulator> {
  const apiKey = options.apiKey ?? multibaseBase32(randomBytes(16));
  const apiSecret = options.apiSecret ?? multibaseBase32(randomBytes(32));
  const signatureTimeoutMs = options.signatureTimeoutMs ?? 60_000;
  const hub = PrivateKey.fromRandom();
  const sockets = new Set<WebSocket>();
  let tokens = 0;

  const server = createServer((_request, response) => {
    response.writeHead(404).end();
  });
  const wss = new WebSocketServer({
    server,
    path: '/threads.pb.API/GetToken',
    handleProtocols: (protocols) => (protocols.has('grpc-websockets') ? 'grpc-websockets' : false),
  });

  const emulator: HubEmulator = {
    url: '',
    apiKey,
    apiSecret,
    hubKey: hub.public,
    mode: 'ok',
    openStreams: () => sockets.size,
    tokensIssued: () => tokens,
    async close() {
      sockets.forEach((socket) => socket.terminate());
      await new Promise<void>((resolve) => wss.close(() => resolve()));
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };

  wss.on('connection', (socket: WebSocket, _request: IncomingMessage) => {
    sockets.add(socket);
    let stage: 'metadata' | 'key' | 'signature' | 'done' = 'metadata';
    let headersSent = false;
    let challenge: Uint8Array | undefined;
    let publicKey: PublicKey | undefined;
    let subject = '';
    const deadline = setTimeout(
      () => fail(status.deadlineExceeded, 'timed out waiting for signature'),
      signatureTimeoutMs,
    );
    socket.on('close', () => {
      clearTimeout(deadline);
      sockets.delete(socket);
    });
    socket.on('error', () => socket.terminate());

    const sendHeaders = () => {
      if (headersSent) return;
      headersSent = true;
      socket.send(metadataFrame({ 'content-type': 'application/grpc-web+proto' }));
    };
    const reply = (build: (reply: GetTokenReply) => void) => {
      sendHeaders();
      const message = new GetTokenReply();
      build(message);
      socket.send(messageFrame(message.serializeBinary()));
    };
    const end = (code: number, message = '') => {
      stage = 'done';
      clearTimeout(deadline);
      // The first 0x80 frame is read as headers, so a lone one is "trailers only".
      socket.send(
        metadataFrame({ 'grpc-status': String(code), 'grpc-message': encodeURIComponent(message) }),
        () => socket.close(),
      );
    };
    function fail(code: number, message: string) {
      if (stage !== 'done' && socket.readyState === socket.OPEN) end(code, message);
    }

    const onRequest = async (request: GetTokenRequest) => {
      if (stage === 'key') {
        if (!request.hasKey() || request.getKey() === '')
          return fail(status.invalidArgument, 'Key is required');
        if (emulator.mode === 'drop') return socket.terminate();
        try {
          publicKey = PublicKey.fromString(request.getKey());
          subject = request.getKey();
        } catch {
          return fail(status.invalidArgument, 'Invalid public key');
        }
        stage = 'signature';
        challenge = randomBytes(32);
        reply((message) => message.setChallenge(challenge!));
        return;
      }
      if (stage === 'signature') {
        if (emulator.mode === 'drop-token') return socket.terminate();
        const signature = request.getSignature_asU8();
        if (!request.hasSignature() || signature.length === 0) {
          return fail(status.invalidArgument, 'Signature is required');
        }
        stage = 'done';
        const valid = await publicKey!.verify(challenge!, signature).catch(() => false);
        if (!valid) {
          stage = 'signature';
          return fail(status.unauthenticated, 'bad signature');
        }
        if (emulator.mode === 'stall-token') return;
        const token = await issueJwt(hub, subject);
        tokens += 1;
        reply((message) => message.setToken(token));
        end(status.ok);
      }
    };

    socket.on('message', (data: Buffer) => {
      if (stage === 'metadata') {
        stage = 'key';
        if (emulator.mode === 'stall') return;
        if (emulator.mode === 'refuse-key') {
          return fail(status.notFound, 'API key not found or is invalid');
        }
        const problem = checkApiKey(parseMetadata(data), apiKey, apiSecret);
        if (problem) fail(problem.code, problem.message);
        return;
      }
      if (emulator.mode === 'stall' || stage === 'done') return;
      try {
        const chunk = parseClientChunk(data);
        if (chunk.kind === 'finish') return;
        for (const bytes of chunk.messages)
          void onRequest(GetTokenRequest.deserializeBinary(bytes));
      } catch {
        fail(status.invalidArgument, 'malformed request');
      }
    });
  });

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  emulator.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return emulator;
}
