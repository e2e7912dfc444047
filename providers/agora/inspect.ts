import { inflateSync } from 'node:zlib';
import { AccessToken2, type Service } from 'agora-token/src/AccessToken2';
import { invalidRequest } from '../../src/errors';
import type { AgoraCredentials } from './tokens';

/** A privilege of a decoded token. */
export interface InspectedPrivilege {
  id: number;
  name: string;
  /** Seconds after the issue time as written in the token; 0 means "with the token". */
  expire: number;
  expiresAt: string;
}

/** A service of a decoded token, with the fields that say who and where it is for. */
export interface InspectedService {
  type: number;
  name: string;
  channel?: string;
  /** RTC: the uid or account; empty when any user may join. */
  uid?: string;
  /** RTM, RTM2 and Chat user id; empty for a Chat app token. */
  user?: string;
  privileges: InspectedPrivilege[];
}

/** Everything a 007 token says, and whether this gateway's certificate signed it. */
export interface InspectedToken {
  version: '007';
  appId: string;
  issuedAt: string;
  /** Token lifetime in seconds after `issuedAt`. */
  expire: number;
  expiresAt: string;
  expired: boolean;
  salt: number;
  services: InspectedService[];
  /** `unknown_app` when the token belongs to another app id than this gateway's. */
  signature: 'valid' | 'invalid' | 'unknown_app';
}

const services: Record<number, { name: string; privileges: Record<number, string> }> = {
  1: {
    name: 'rtc',
    privileges: {
      1: 'joinChannel',
      2: 'publishAudioStream',
      3: 'publishVideoStream',
      4: 'publishDataStream',
    },
  },
  2: { name: 'rtm', privileges: { 1: 'login' } },
  3: { name: 'streaming', privileges: { 1: 'publishMixStream', 2: 'publishRawStream' } },
  4: { name: 'fpa', privileges: { 1: 'login' } },
  5: { name: 'chat', privileges: { 1: 'user', 2: 'app' } },
  6: { name: 'fcdn', privileges: { 1: 'publish', 2: 'play' } },
  7: { name: 'apaas', privileges: { 1: 'roomUser', 2: 'user', 3: 'app' } },
  8: { name: 'rtm2', privileges: { 1: 'login' } },
  9: { name: 'convoai', privileges: {} },
  10: { name: 'stt', privileges: {} },
};

/** Compressed 007 tokens are small; a larger inflated size is a decompression bomb. */
const maxInflatedBytes = 64 * 1024;

/**
 * A real token carries a handful of services. agora-token copies the rest of the buffer for
 * each one, so a tiny token declaring thousands of them would hold the event loop for seconds.
 */
const maxServices = 16;

/** The service count of an inflated token: after the signature, app id, issue time, expiry, salt. */
function serviceCount(content: Buffer): number {
  const appIdAt = 2 + content.readUInt16LE(0);
  return content.readUInt16LE(appIdAt + 2 + content.readUInt16LE(appIdAt) + 12);
}

/** Parsed string fields of agora-token's services are Buffers. */
type ParsedFields = Record<string, Buffer | string | undefined>;

const textOf = (value: Buffer | string | undefined) =>
  value === undefined ? undefined : value.toString();

function parse(token: string): AccessToken2 {
  if (/^00[1-6]/.test(token)) {
    throw invalidRequest(
      'token',
      `token: version ${token.slice(0, 3)} tokens are not supported; only 007`,
    );
  }
  if (!token.startsWith('007')) throw invalidRequest('token', 'token is not an Agora 007 token');
  let count: number;
  try {
    const content = inflateSync(Buffer.from(token.slice(3), 'base64'), {
      maxOutputLength: maxInflatedBytes,
    });
    count = serviceCount(content);
  } catch {
    throw invalidRequest('token', 'token is not a well-formed 007 token');
  }
  if (count > maxServices) {
    throw invalidRequest('token', `token carries more than ${maxServices} services`);
  }
  const parsed = new AccessToken2();
  if (!parsed.from_string(token)) {
    throw invalidRequest('token', 'token is not a well-formed 007 token');
  }
  return parsed;
}

function describeService(service: Service, at: (seconds: number) => string, expire: number) {
  const type = service.service_type();
  const known = services[type];
  const fields = service as unknown as ParsedFields;
  const described: InspectedService = {
    type,
    name: known?.name ?? `service${type}`,
    channel: textOf(fields.__channel_name),
    uid: textOf(fields.__uid ?? fields.__account),
    user: textOf(fields.__user_id ?? fields.__user_uuid),
    privileges: Object.entries(service.__privileges).map(([key, seconds]) => ({
      id: Number(key),
      name: known?.privileges[Number(key)] ?? `privilege${key}`,
      expire: seconds,
      expiresAt: at(seconds === 0 ? expire : seconds),
    })),
  };
  return Object.fromEntries(
    Object.entries(described).filter(([, v]) => v !== undefined),
  ) as unknown as InspectedService;
}

/**
 * Decodes any 007 token and checks its signature against `credentials`. Malformed input is a
 * 400 naming `token`.
 */
export function inspectToken(
  token: string,
  credentials: AgoraCredentials,
  nowMs: number,
): InspectedToken {
  const parsed = parse(token.trim());
  const appId = parsed.appId.toString();
  const at = (seconds: number) => new Date((parsed.issueTs + seconds) * 1000).toISOString();
  const sameApp = appId.toLowerCase() === credentials.appId.toLowerCase();
  return {
    version: '007',
    appId,
    issuedAt: at(0),
    expire: parsed.expire,
    expiresAt: at(parsed.expire),
    expired: (parsed.issueTs + parsed.expire) * 1000 <= nowMs,
    salt: parsed.salt,
    services: parsed.services.map((s) => describeService(s, at, parsed.expire)),
    signature: !sameApp
      ? 'unknown_app'
      : parsed.verifySignature(credentials.appCertificate)
        ? 'valid'
        : 'invalid',
  };
}
