import { invalidRequest } from '../../src/errors';
import { parseBase64, signatureLength } from './identity';

/** Largest message the token socket reads. */
export const maxMessageBytes = 4 * 1024;

/** A client message of the browser example's protocol. */
export type ClientMessage =
  { type: 'token'; pubkey: unknown } | { type: 'challenge'; sig: unknown };

/** Parses one client message; anything else fails with a 400-style error naming the problem. */
export function parseClientMessage(data: Buffer): ClientMessage {
  if (data.length > maxMessageBytes) {
    throw invalidRequest('message', `messages are limited to ${maxMessageBytes} bytes`);
  }
  let message: unknown;
  try {
    message = JSON.parse(data.toString('utf8'));
  } catch {
    throw invalidRequest('message', 'message is not valid JSON');
  }
  if (!message || typeof message !== 'object' || Array.isArray(message)) {
    throw invalidRequest('message', 'message must be a JSON object');
  }
  const { type } = message as { type?: unknown };
  if (type === 'token') return { type, pubkey: (message as { pubkey?: unknown }).pubkey };
  if (type === 'challenge') return { type, sig: (message as { sig?: unknown }).sig };
  throw invalidRequest('type', 'type must be "token" or "challenge"');
}

const isByteArray = (value: unknown): value is number[] =>
  Array.isArray(value) && value.every((b) => Number.isInteger(b) && b >= 0 && b <= 255);

/** Reads `sig` as Buffer JSON (`{"type":"Buffer","data":[…]}`), a byte array or base64. */
export function parseSocketSignature(sig: unknown): Uint8Array {
  const message = `sig must be a ${signatureLength}-byte signature as Buffer JSON or base64`;
  if (typeof sig === 'string') return parseBase64(sig, 'sig', signatureLength);
  const data =
    sig && typeof sig === 'object' && (sig as { type?: unknown }).type === 'Buffer'
      ? (sig as { data?: unknown }).data
      : sig;
  if (!isByteArray(data) || data.length !== signatureLength) throw invalidRequest('sig', message);
  return Uint8Array.from(data);
}
