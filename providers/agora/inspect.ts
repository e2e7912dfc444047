import type { AccessToken2, Service } from 'agora-token/src/AccessToken2';
import { invalidRequest } from '../../src/errors';
import { parse006, rtmLogin006, token006Lifetime, verify006, type Token006 } from './token-006';
import { maxServices, parse007 } from './token-007';

/** A privilege of a decoded token. */
export interface InspectedPrivilege {
  id: number;
  name: string;
  /**
   * Seconds after the issue time; 0 means "with the token". A 006 token holds an absolute
   * time instead, from which this is derived.
   */
  expire: number;
  expiresAt: string;
}

/** A service of a decoded token, with the fields that say who and where it is for. */
export interface InspectedService {
  type: number;
  name: string;
  /** 007 only (a 006 token carries only its CRC32). */
  channel?: string;
  /** RTC: the uid or account; empty when any user may join. 007 only. */
  uid?: string;
  /** RTM, RTM2 and Chat user id; empty for a Chat app token. 007 only. */
  user?: string;
  privileges: InspectedPrivilege[];
}

/** Everything a token says, and whether one of this gateway's certificates signed it. */
export interface InspectedToken {
  version: '006' | '007';
  appId: string;
  /** For 006, derived: every 006 builder writes the issue time + 24 h into the token. */
  issuedAt: string;
  /** Token lifetime in seconds after `issuedAt`. */
  expire: number;
  expiresAt: string;
  expired: boolean;
  salt: number;
  services: InspectedService[];
  /** 006 only: CRC32 of the channel and of the uid text ("" for any user) signed into it. */
  crc32?: { channel: number; uid: number };
  /**
   * `unknown_app` when the token belongs to another app id than this gateway's; `unknown`
   * for a 006 token inspected without the channel and user its signature covers.
   */
  signature: 'valid' | 'invalid' | 'unknown' | 'unknown_app';
  /** Which certificate the valid signature is made with; only with a secondary configured. */
  certificate?: 'primary' | 'secondary';
  /** What to send so that an `unknown` signature can be checked. */
  message?: string;
}

/** This gateway's app id and the certificates whose signatures it accepts. */
export interface AgoraKeys {
  appId: string;
  /** Mints every token. */
  appCertificate: string;
  /** Accepted by `inspect` during a certificate rotation; never used to mint. */
  secondaryCertificate?: string;
}

/** What the client does with a token: a 006 signature covers the channel and the user. */
export interface IntendedUse {
  channel?: string;
  /** The uid's decimal text ("" for uid 0) or the account. */
  user?: string;
}

/** The intended use as a 006 signature spells it: uid 0 (any user) is the empty string. */
export const intendedUse = (request: {
  channel?: string;
  uid?: number;
  account?: string;
}): IntendedUse => ({
  channel: request.channel,
  user: request.uid === undefined ? request.account : request.uid === 0 ? '' : String(request.uid),
});

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

/** The name of privilege `id` of service `type`. */
export const privilegeName = (type: number, id: number) =>
  services[type]?.privileges[id] ?? `privilege${id}`;

/** Parsed string fields of agora-token's services are Buffers. */
type ParsedFields = Record<string, Buffer | string | undefined>;

const textOf = (value: Buffer | string | undefined) =>
  value === undefined ? undefined : value.toString();

const isoAt = (unixSeconds: number) => new Date(unixSeconds * 1000).toISOString();

/**
 * Tries the primary, then the secondary certificate. Which one signed is said only while a
 * secondary is configured: answers stay as they were for gateways that do not rotate.
 */
function signatureBy(keys: AgoraKeys, verify: (certificate: string) => boolean) {
  const { appCertificate, secondaryCertificate } = keys;
  if (secondaryCertificate === undefined) {
    return { signature: verify(appCertificate) ? 'valid' : 'invalid' } as const;
  }
  if (verify(appCertificate)) return { signature: 'valid', certificate: 'primary' } as const;
  if (verify(secondaryCertificate)) {
    return { signature: 'valid', certificate: 'secondary' } as const;
  }
  return { signature: 'invalid' } as const;
}

const sameApp = (appId: string, keys: AgoraKeys) =>
  appId.toLowerCase() === keys.appId.toLowerCase();

function describeService(service: Service, issueTs: number, expire: number): InspectedService {
  const type = service.service_type();
  const fields = service as unknown as ParsedFields;
  const described: InspectedService = {
    type,
    name: services[type]?.name ?? `service${type}`,
    channel: textOf(fields.__channel_name),
    uid: textOf(fields.__uid ?? fields.__account),
    user: textOf(fields.__user_id ?? fields.__user_uuid),
    privileges: Object.entries(service.__privileges).map(([key, seconds]) => ({
      id: Number(key),
      name: privilegeName(type, Number(key)),
      expire: seconds,
      expiresAt: isoAt(issueTs + (seconds === 0 ? expire : seconds)),
    })),
  };
  return Object.fromEntries(
    Object.entries(described).filter(([, v]) => v !== undefined),
  ) as unknown as InspectedService;
}

function inspect007(parsed: AccessToken2, keys: AgoraKeys, nowMs: number): InspectedToken {
  const appId = parsed.appId.toString();
  const { issueTs, expire } = parsed;
  return {
    version: '007',
    appId,
    issuedAt: isoAt(issueTs),
    expire,
    expiresAt: isoAt(issueTs + expire),
    expired: (issueTs + expire) * 1000 <= nowMs,
    salt: parsed.salt,
    services: parsed.services.map((s) => describeService(s, issueTs, expire)),
    ...(sameApp(appId, keys)
      ? signatureBy(keys, (certificate) => parsed.verifySignature(certificate))
      : { signature: 'unknown_app' }),
  };
}

/** The RTC privileges of a 006 token in one service, its RTM login in another. */
function services006(token: Token006, issueTs: number): InspectedService[] {
  const byType = new Map<number, InspectedPrivilege[]>();
  for (const [key, ts] of Object.entries(token.privileges)) {
    const id = Number(key);
    const type = id === rtmLogin006 ? 2 : 1;
    byType.set(type, [
      ...(byType.get(type) ?? []),
      {
        id,
        name: privilegeName(type, id === rtmLogin006 ? 1 : id),
        expire: ts === 0 ? 0 : ts - issueTs,
        expiresAt: isoAt(ts === 0 ? token.ts : ts),
      },
    ]);
  }
  return [...byType].map(([type, privileges]) => ({
    type,
    name: services[type]!.name,
    privileges,
  }));
}

/**
 * An RTM 006 token is signed with its user id in the channel's place and an empty uid; an
 * RTC one with the channel and the uid.
 */
function signed006(found: InspectedService[], intended: IntendedUse) {
  const rtmOnly = found.length === 1 && found[0]!.type === 2;
  if (rtmOnly) {
    return intended.user === undefined
      ? { missing: 'send the RTM user id as uid or account to check its signature' }
      : { channel: intended.user, uid: '' };
  }
  return intended.channel === undefined || intended.user === undefined
    ? { missing: 'send channel and uid (or account) to check its signature' }
    : { channel: intended.channel, uid: intended.user };
}

function inspect006(
  token: Token006,
  keys: AgoraKeys,
  nowMs: number,
  intended: IntendedUse,
): InspectedToken {
  const issueTs = token.ts - token006Lifetime;
  const found = services006(token, issueTs);
  const signed = signed006(found, intended);
  const signature = !sameApp(token.appId, keys)
    ? { signature: 'unknown_app' as const }
    : 'missing' in signed
      ? {
          signature: 'unknown' as const,
          message: `A 006 signature covers the channel and user it was built for, which the token holds only as CRC32s: ${signed.missing}.`,
        }
      : signatureBy(keys, (certificate) =>
          verify006(token, certificate, signed.channel, signed.uid),
        );
  return {
    version: '006',
    appId: token.appId,
    issuedAt: isoAt(issueTs),
    expire: token006Lifetime,
    expiresAt: isoAt(token.ts),
    expired: token.ts * 1000 <= nowMs,
    salt: token.salt,
    services: found,
    crc32: { channel: token.crcChannel, uid: token.crcUid },
    ...signature,
  };
}

/**
 * Decodes a 006 or 007 token and checks its signature against this gateway's certificates.
 * A 006 signature can be checked only with the channel and user it was built for. Malformed
 * input is a 400 naming `token`.
 */
export function inspectToken(
  token: string,
  keys: AgoraKeys,
  nowMs: number,
  intended: IntendedUse = {},
): InspectedToken {
  const trimmed = token.trim();
  if (trimmed.startsWith('006')) {
    const parsed = parse006(trimmed);
    if (!parsed) throw invalidRequest('token', 'token is not a well-formed 006 token');
    return inspect006(parsed, keys, nowMs, intended);
  }
  if (/^00[1-5]/.test(trimmed)) {
    throw invalidRequest(
      'token',
      `token: version ${trimmed.slice(0, 3)} tokens are not supported; only 006 and 007`,
    );
  }
  if (!trimmed.startsWith('007')) {
    throw invalidRequest('token', 'token is not an Agora 006 or 007 token');
  }
  const parsed = parse007(trimmed);
  if (parsed === 'too_many_services') {
    throw invalidRequest('token', `token carries more than ${maxServices} services`);
  }
  if (parsed === 'malformed') throw invalidRequest('token', 'token is not a well-formed 007 token');
  return inspect007(parsed, keys, nowMs);
}
