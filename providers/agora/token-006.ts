import { createHmac, timingSafeEqual } from 'node:crypto';
import { crc32 } from 'node:zlib';
import { hex32 } from './limits';

/**
 * A legacy AccessToken ("006", what `agora-access-token` and the tutorials' Node server mint):
 * `006` + app id + base64(signature, crc32(channel), crc32(uid), message), the message being
 * salt, a timestamp and privilege → expiry (Unix seconds, 0 for "with the token").
 */
export interface Token006 {
  appId: string;
  signature: Buffer;
  crcChannel: number;
  crcUid: number;
  /** The signed message bytes. */
  message: Buffer;
  salt: number;
  /** Written by every builder as the issue time + 24 h; the token is refused after it. */
  ts: number;
  privileges: Record<number, number>;
}

/** Every 006 builder sets `ts` this far after the issue time. */
export const token006Lifetime = 24 * 3600;

/** Privilege 1000 is the RTM login; the others belong to RTC. */
export const rtmLogin006 = 1000;

const base64 = /^[A-Za-z0-9+/]+={0,2}$/;

/** Reads the little-endian fields of a 006 token, throwing a RangeError past the end. */
function reader(buffer: Buffer) {
  let at = 0;
  const take = (length: number) => {
    if (at + length > buffer.length) throw new RangeError('truncated');
    const bytes = buffer.subarray(at, at + length);
    at += length;
    return bytes;
  };
  const u16 = () => take(2).readUInt16LE(0);
  return {
    u16,
    u32: () => take(4).readUInt32LE(0),
    bytes: () => take(u16()),
    done: () => at === buffer.length,
  };
}

/** Decodes a 006 token; `undefined` when it is not a well-formed one. */
export function parse006(token: string): Token006 | undefined {
  const appId = token.slice(3, 35);
  const content = token.slice(35);
  if (!token.startsWith('006') || !hex32.test(appId) || !base64.test(content)) return undefined;
  try {
    const outer = reader(Buffer.from(content, 'base64'));
    const signature = outer.bytes();
    const crcChannel = outer.u32();
    const crcUid = outer.u32();
    const message = outer.bytes();
    if (!outer.done()) return undefined;
    const inner = reader(message);
    const salt = inner.u32();
    const ts = inner.u32();
    const privileges: Record<number, number> = {};
    for (let count = inner.u16(); count > 0; count--) privileges[inner.u16()] = inner.u32();
    if (!inner.done()) return undefined;
    return { appId, signature, crcChannel, crcUid, message, salt, ts, privileges };
  } catch {
    return undefined;
  }
}

/** CRC32 of a channel name or uid text, as 006 tokens carry them. */
export const crc32Of = (text: string) => crc32(Buffer.from(text, 'utf8'));

/**
 * Whether `certificate` signed the token for `channel` and `uid` (the uid's decimal text, ""
 * for any user, or an account). A 006 signature covers both, which the token does not carry.
 */
export function verify006(
  token: Token006,
  certificate: string,
  channel: string,
  uid: string,
): boolean {
  const expected = createHmac('sha256', certificate)
    .update(Buffer.concat([Buffer.from(token.appId + channel + uid, 'utf8'), token.message]))
    .digest();
  return expected.length === token.signature.length && timingSafeEqual(expected, token.signature);
}
