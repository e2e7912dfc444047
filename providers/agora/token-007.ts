import { inflateSync } from 'node:zlib';
import { AccessToken2 } from 'agora-token/src/AccessToken2';

/** Compressed 007 tokens are small; a larger inflated size is a decompression bomb. */
const maxInflatedBytes = 64 * 1024;

/**
 * A real token carries a handful of services. agora-token copies the rest of the buffer for
 * each one, so a tiny token declaring thousands of them would hold the event loop for seconds.
 */
export const maxServices = 16;

/** The service count of an inflated token: after the signature, app id, issue time, expiry, salt. */
function serviceCount(content: Buffer): number {
  const appIdAt = 2 + content.readUInt16LE(0);
  return content.readUInt16LE(appIdAt + 2 + content.readUInt16LE(appIdAt) + 12);
}

/**
 * Decodes an AccessToken2 ("007") with agora-token's parser, after bounding what that parser
 * would have to do. `malformed` and `too_many_services` say why a token was not decoded.
 */
export function parse007(token: string): AccessToken2 | 'malformed' | 'too_many_services' {
  let count: number;
  try {
    const content = inflateSync(Buffer.from(token.slice(3), 'base64'), {
      maxOutputLength: maxInflatedBytes,
    });
    count = serviceCount(content);
  } catch {
    return 'malformed';
  }
  if (count > maxServices) return 'too_many_services';
  const parsed = new AccessToken2();
  return parsed.from_string(token) ? parsed : 'malformed';
}
