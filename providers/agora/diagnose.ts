import { GatewayError } from '../../src/errors';
import {
  inspectToken,
  privilegeName,
  type AgoraKeys,
  type InspectedPrivilege,
  type InspectedService,
  type InspectedToken,
} from './inspect';
import type { AgoraRole } from './schemas';
import { crc32Of } from './token-006';

/** What the client is about to do with a token. */
export interface DiagnoseRequest {
  token: string;
  /** The SDK the token is for: joining a channel, RTM login, or Chat login. */
  service: 'rtc' | 'rtm' | 'chat';
  /** The channel the client joins (RTC). */
  channel?: string;
  /** RTC: the integer uid the client joins with (0: Agora assigns one). RTM, Chat: the user id. */
  uid?: number | string;
  /** RTC: the string user account the client joins with. RTM, Chat: the user id. */
  account?: string;
  /** `publisher` when the client will publish. */
  role?: AgoraRole;
  /** The App ID the client is initialized with; default this gateway's. */
  appId?: string;
  /** When the client uses the token, in ms since the epoch; default now. */
  at?: number;
}

export type Severity = 'error' | 'warning' | 'info';

/**
 * Every finding code, in the order findings are listed, with its severity: `error` when Agora
 * rejects the token for it.
 */
export const findingSeverities = {
  malformed: 'error',
  version_006: 'warning',
  app_id_mismatch: 'error',
  signature_invalid: 'error',
  signed_with_secondary: 'warning',
  expired: 'error',
  privilege_expired: 'error',
  expires_soon: 'warning',
  service_missing: 'error',
  channel_mismatch: 'error',
  uid_mismatch: 'error',
  account_vs_uid: 'warning',
  wildcard_uid: 'info',
  publish_privilege_missing: 'warning',
} as const satisfies Record<string, Severity>;

export type FindingCode = keyof typeof findingSeverities;

/** One reason the token may be refused, and what to change. */
export interface Finding {
  code: FindingCode;
  severity: Severity;
  message: string;
}

/** `ok` is false exactly when some finding is an error; `token` is null when malformed. */
export interface Diagnosis {
  ok: boolean;
  findings: Finding[];
  token: InspectedToken | null;
}

/** The SDKs fire their will-expire event this long before a token's expiry. */
const expiresSoonMs = 30_000;

const order = Object.keys(findingSeverities) as FindingCode[];
const rtcPublish = [2, 3, 4];
const sdkOf = { rtc: 'RTC', rtm: 'RTM', chat: 'Chat' } as const;
const routeOf = {
  rtc: '/api/agora/rtc (or /rte)',
  rtm: '/api/agora/rtm (or /rte)',
  chat: '/api/agora/chat',
} as const;

const seconds = (ms: number) => Math.round(ms / 1000);
const quoted = (text: string) => JSON.stringify(text);

/** The user the client declares, as the token would spell it ("" for RTC uid 0). */
function declaredUser(request: DiagnoseRequest): string | undefined {
  if (request.uid === undefined) return request.account;
  return request.service === 'rtc' && request.uid === 0 ? '' : String(request.uid);
}

function describeDeclared(request: DiagnoseRequest, user: string): string {
  if (request.service !== 'rtc') return `user ${quoted(user)}`;
  return request.uid === undefined ? `account ${quoted(user)}` : `uid ${request.uid}`;
}

/** The service the client needs; a Chat app token cannot log a user in. */
function serviceFor(token: InspectedToken, wanted: DiagnoseRequest['service']) {
  const types = { rtc: [1], rtm: [2, 8], chat: [5] }[wanted];
  const found = token.services.find((s) => types.includes(s.type));
  if (wanted === 'chat' && found && !found.privileges.some((p) => p.id === 1)) return undefined;
  return found;
}

/** The privileges the client's action needs: join (and publish), login, or Chat user. */
function neededPrivileges(service: InspectedService, request: DiagnoseRequest) {
  if (request.service !== 'rtc') return service.privileges;
  const ids = request.role === 'publisher' ? [1, ...rtcPublish] : [1];
  return service.privileges.filter((p) => ids.includes(p.id));
}

/**
 * Says why Agora would refuse `request.token` for what the client is about to do, each
 * finding with a stable code and what to change. Framework-free: the HTTP route and a CLI
 * call it alike.
 */
export function diagnoseToken(request: DiagnoseRequest, keys: AgoraKeys, nowMs: number): Diagnosis {
  const at = request.at ?? nowMs;
  const findings: Finding[] = [];
  const add = (code: FindingCode, message: string) =>
    findings.push({ code, severity: findingSeverities[code], message });
  const result = (token: InspectedToken | null): Diagnosis => {
    findings.sort((a, b) => order.indexOf(a.code) - order.indexOf(b.code));
    return { ok: !findings.some((f) => f.severity === 'error'), findings, token };
  };

  const user = declaredUser(request);
  let token: InspectedToken;
  try {
    token = inspectToken(request.token, keys, at, {
      channel: request.service === 'rtc' ? request.channel : undefined,
      user,
    });
  } catch (error) {
    if (!(error instanceof GatewayError) || error.field !== 'token') throw error;
    const spaced = /\s/.test(request.token.trim())
      ? ' It contains whitespace: a "+" of the token probably became a space in a URL query; URL-encode the token.'
      : '';
    add('malformed', `${error.message}: send the token exactly as minted.${spaced}`);
    return result(null);
  }
  const legacy = token.version === '006';

  if (legacy) {
    add(
      'version_006',
      'Legacy 006 token: its app id, expiry and privileges are checked, and the channel and uid you send are compared with the CRC32s it carries; its signature is checked only when you send the channel and uid (or account) it was built for. 006 cannot carry Chat, RTM 2 or Conversational AI services. Mint 007 tokens instead.',
    );
  }

  const expectedApp = request.appId ?? keys.appId;
  if (token.appId.toLowerCase() !== expectedApp.toLowerCase()) {
    add(
      'app_id_mismatch',
      request.appId === undefined
        ? `The token was issued for App ID ${token.appId}, not this gateway's ${keys.appId}: it was not minted here; check which token server the client calls.`
        : `The token was issued for App ID ${token.appId}, but the client uses ${request.appId}: initialize the client with the App ID the token was minted for.`,
    );
  }

  const end = Date.parse(token.expiresAt);
  if (end <= at) {
    add(
      'expired',
      `The token expired at ${token.expiresAt}, ${seconds(at - end)} s before the time checked: fetch a new one, and renew it when the SDK signals it will expire (30 s before).`,
    );
  }

  const service = serviceFor(token, request.service);
  const mismatched = service ? compareUse(service, token, request, user, add) : false;
  if (!service) {
    const carried = token.services.map((s) => s.name).join(', ') || 'no service';
    add(
      'service_missing',
      `The token carries ${carried} but no ${sdkOf[request.service]} ${
        request.service === 'chat' ? 'user privilege' : 'service'
      }: ${sdkOf[request.service]} rejects it. Mint one at ${routeOf[request.service]}.`,
    );
  } else if (end > at) {
    checkPrivileges(neededPrivileges(service, request), end, at, add);
  }

  // A 006 signature is made over the channel and uid; when they differ, the CRCs say so.
  if (token.signature === 'invalid' && !(legacy && mismatched)) {
    add(
      'signature_invalid',
      "The signature does not verify with this gateway's certificate: the token was altered (a '+' turned into a space in a URL is common), or signed with another certificate of this App ID. Mint it again here, and check in Agora Console which certificate is enabled.",
    );
  }
  if (token.certificate === 'secondary') {
    add(
      'signed_with_secondary',
      'Signed with the secondary certificate (AGORA_APP_CERTIFICATE_SECONDARY): Agora accepts it only while that certificate stays enabled in Agora Console. Tokens minted now use the primary; renew this one before the certificate is retired.',
    );
  }
  return result(token);
}

function checkPrivileges(
  needed: InspectedPrivilege[],
  tokenEnd: number,
  at: number,
  add: (code: FindingCode, message: string) => void,
) {
  const lapsed = needed.filter((p) => Date.parse(p.expiresAt) <= at);
  if (lapsed.length > 0) {
    const list = lapsed.map((p) => `${p.name} (expired ${p.expiresAt})`).join(', ');
    add(
      'privilege_expired',
      `The token is valid until ${new Date(tokenEnd).toISOString()}, but ${list} has lapsed: fetch a new token, or mint with privilege expiries (joinExpiry, audioExpiry…) as long as the session needs.`,
    );
  }
  const soonest = Math.min(
    tokenEnd,
    ...needed.map((p) => Date.parse(p.expiresAt)).filter((ms) => ms > at),
  );
  if (soonest - at < expiresSoonMs) {
    add(
      'expires_soon',
      `The token (or a privilege the client needs) expires in ${seconds(soonest - at)} s: the SDK's will-expire event fires 30 s before expiry, so renew now (renewToken) or mint with a longer expiry.`,
    );
  }
}

/** Channel, user and role checks; true when the channel or user differs from the token's. */
function compareUse(
  service: InspectedService,
  token: InspectedToken,
  request: DiagnoseRequest,
  user: string | undefined,
  add: (code: FindingCode, message: string) => void,
): boolean {
  let mismatched = false;
  const rtc = request.service === 'rtc';
  const crc = token.crc32;
  if (rtc && request.channel !== undefined) {
    const differs = crc
      ? crc32Of(request.channel) !== crc.channel
      : service.channel !== request.channel;
    if (differs) {
      mismatched = true;
      add(
        'channel_mismatch',
        crc
          ? `The token was built for another channel than ${quoted(request.channel)} (its channel CRC32 differs): join the channel it was minted for (names are case-sensitive).`
          : `The token is for channel ${quoted(service.channel ?? '')}, the client joins ${quoted(request.channel)}: join the channel it was minted for (names are case-sensitive).`,
      );
    }
  }

  // A 006 RTM token holds its user id where an RTC token holds the channel.
  const signedUser = crc ? (rtc ? crc.uid : crc.channel) : rtc ? service.uid : service.user;
  const wildcard = rtc && (crc ? crc.uid === 0 : service.uid === '');
  if (wildcard) {
    add(
      'wildcard_uid',
      'The token lets any uid join (it was minted for uid 0): anyone holding it can use it; mint it for the one user who needs it.',
    );
  } else if (user !== undefined) {
    const differs =
      typeof signedUser === 'number' ? crc32Of(user) !== signedUser : signedUser !== user;
    if (differs) {
      mismatched = true;
      const tokenUser =
        typeof signedUser === 'string'
          ? ` is for ${quoted(signedUser)}`
          : ' was built for another user';
      const assigned =
        rtc && request.uid === 0
          ? ' (uid 0 asks Agora to assign a uid, which cannot match a token for one user)'
          : '';
      add(
        'uid_mismatch',
        `The token${tokenUser}, but the client uses ${describeDeclared(request, user)}${assigned}: use the uid or account the token was minted for, or mint one for this user.`,
      );
    }
  }
  if (rtc && request.account !== undefined && /^\d+$/.test(request.account)) {
    add(
      'account_vs_uid',
      `Account ${quoted(request.account)} is all digits: a token for account "${request.account}" is byte for byte the token for uid ${request.account}, but the SDK treats a string account and an integer uid as different users. Join with one kind everywhere (all integer uids, or all string accounts).`,
    );
  }
  if (rtc && request.role === 'publisher') {
    const held = new Set(service.privileges.map((p) => p.id));
    const missing = rtcPublish.filter((id) => !held.has(id)).map((id) => privilegeName(1, id));
    if (missing.length > 0) {
      add(
        'publish_privilege_missing',
        `The client publishes but the token lacks ${missing.join(', ')} (a subscriber token): Agora refuses it only when co-host authentication is enabled for the project. Mint with role=publisher.`,
      );
    }
  }
  return mismatched;
}
