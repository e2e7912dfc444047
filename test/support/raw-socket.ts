import { connect, type Socket } from 'node:net';

/** Host and port of a base URL such as `http://127.0.0.1:3000`. */
const target = (base: string) => {
  const url = new URL(base);
  return { host: url.hostname, port: Number(url.port) };
};

/** Opens a TCP connection to the server at `base`. */
export function openSocket(base: string): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = connect(target(base), () => resolve(socket));
    socket.once('error', reject);
  });
}

/**
 * Writes `bytes`, then cuts the connection with a TCP reset (SO_LINGER 0), as a client that
 * gives up abruptly does.
 */
export async function sendAndReset(base: string, bytes: string | Buffer, afterMs = 0) {
  const socket = await openSocket(base);
  socket.on('error', () => {});
  socket.write(bytes);
  await new Promise((resolve) => setTimeout(resolve, afterMs));
  socket.resetAndDestroy();
}

/** The raw answer bytes to `bytes`, read until the server closes or `waitMs` passes. */
export async function exchange(
  base: string,
  bytes: string | Buffer | Array<string | Buffer>,
  waitMs = 1_000,
): Promise<{ text: string; closed: boolean }> {
  const socket = await openSocket(base);
  const chunks: Buffer[] = [];
  return new Promise((resolve) => {
    let closed = false;
    const done = () => {
      clearTimeout(timer);
      socket.destroy();
      resolve({ text: Buffer.concat(chunks).toString('latin1'), closed });
    };
    const timer = setTimeout(done, waitMs);
    socket.on('data', (chunk: Buffer) => chunks.push(chunk));
    socket.on('error', () => {});
    socket.on('close', () => {
      closed = true;
      done();
    });
    for (const part of Array.isArray(bytes) ? bytes : [bytes]) socket.write(part);
  });
}

/** Splits raw HTTP/1.1 answers on one connection into status codes and bodies (no chunking). */
export function parseAnswers(text: string): Array<{ status: number; head: string; body: string }> {
  const answers: Array<{ status: number; head: string; body: string }> = [];
  let rest = text;
  while (rest.startsWith('HTTP/1.1 ')) {
    const end = rest.indexOf('\r\n\r\n');
    if (end < 0) break;
    const head = rest.slice(0, end);
    const length = Number(/\r\ncontent-length: *(\d+)/i.exec(head)?.[1] ?? 0);
    const body = rest.slice(end + 4, end + 4 + length);
    answers.push({ status: Number(head.slice(9, 12)), head, body });
    rest = rest.slice(end + 4 + length);
  }
  return answers;
}

/** Records uncaught exceptions while a test runs, so it can assert the process survived. */
export function watchUncaught() {
  const seen: unknown[] = [];
  const record = (error: unknown) => seen.push(error);
  process.on('uncaughtException', record);
  return {
    seen,
    stop: () => process.off('uncaughtException', record),
  };
}
