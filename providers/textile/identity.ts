import type { PrivateKey } from '@textile/hub';
import { textileHub } from './hub-library';
import { invalidRequest } from '../../src/errors';

// Canonical strings only: `PublicKey.fromString` also accepts private keys and vice versa.
export const publicKeyPattern = /^bbaarei[a-z2-7]{52}$/;
export const privateKeyPattern = /^bbaareq[a-z2-7]{103}$/;
const base64Pattern =
  /^(?:[A-Za-z0-9+/_-]{4})*(?:[A-Za-z0-9+/_-]{2}(?:==)?|[A-Za-z0-9+/_-]{3}=?)?$/;

/** Parses a user's public key string (`bbaarei…`, 59 characters) or fails with a 400. */
export function parsePublicKey(value: unknown, field = 'publicKey'): string {
  const message = `${field} must be a Textile public key string (bbaarei…, 59 characters)`;
  if (value === undefined || value === '') throw invalidRequest(field, `${field} is required`);
  if (typeof value !== 'string' || !publicKeyPattern.test(value))
    throw invalidRequest(field, message);
  try {
    if (textileHub().PublicKey.fromString(value).toString() === value) return value;
  } catch {
    // fall through to the 400
  }
  throw invalidRequest(field, message);
}

/** Parses a private key string (`bbaareq…`, 110 characters) whose halves agree, or fails with a 400. */
export function parsePrivateKey(value: unknown, field = 'id'): PrivateKey {
  const message = `${field} must be a Textile private key string (bbaareq…, 110 characters)`;
  if (value === undefined || value === '') throw invalidRequest(field, `${field} is required`);
  if (typeof value !== 'string' || !privateKeyPattern.test(value))
    throw invalidRequest(field, message);
  try {
    const key = textileHub().PrivateKey.fromString(value);
    // The string carries seed ‖ public key; a forged public half would only fail at the hub.
    if (textileHub().PrivateKey.fromRawEd25519Seed(key.seed).toString() === value) return key;
  } catch {
    // fall through to the 400
  }
  throw invalidRequest(field, message);
}

/** Decodes standard or URL-safe base64 of exactly `length` bytes, or fails with a 400. */
export function parseBase64(value: unknown, field: string, length: number): Uint8Array {
  const message = `${field} must be base64 of ${length} bytes`;
  if (value === undefined || value === '') throw invalidRequest(field, `${field} is required`);
  if (typeof value !== 'string' || !base64Pattern.test(value)) {
    throw invalidRequest(field, message);
  }
  const bytes = Buffer.from(value.replace(/-/g, '+').replace(/_/g, '/'), 'base64');
  if (bytes.length !== length) throw invalidRequest(field, message);
  return new Uint8Array(bytes);
}

/** An ed25519 signature is 64 bytes. */
export const signatureLength = 64;
