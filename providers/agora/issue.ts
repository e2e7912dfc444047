import type { Clock } from '../../src/clock';
import { invalidRequest } from '../../src/errors';
import { parseInput } from '../../src/http/input';
import { authorize } from './authorize';
import type { AgoraConfig } from './config';
import {
  rtcExpiryFields,
  type CallerClaims,
  type ChatAppTokenRequest,
  type PrivilegeExpiries,
  type TokenRequest,
  type TokenType,
} from './requests';
import {
  chatAppRequest,
  chatRequest,
  convoAiRequest,
  rtcRequest,
  rtcUser,
  rteRequest,
  rteUser,
  rtmRequest,
  tokenTypeRequest,
  type AgoraRole,
} from './schemas';
import {
  buildChatAppToken,
  buildChatUserToken,
  buildConvoAiToken,
  buildRtcToken,
  buildRteToken,
  buildRtmToken,
  rtmUserOf,
} from './tokens';

/** A minted token and the fields the contract answers with it. */
export interface AgoraAnswer extends Record<string, unknown> {
  token: string;
  type: TokenType | 'chat_app';
  /** Lifetime in seconds from now. */
  expiresIn: number;
}

/** Validates request fields (400 naming the field) and mints the token they ask for. */
export interface AgoraIssuer {
  /** The validated fields of a `type` request. */
  parse(type: TokenType, input: unknown): TokenRequest;
  /** The validated fields of a request naming its `type` (default rtc). */
  parseByType(input: unknown): TokenRequest;
  /**
   * Applies `AGORA_POLICY` to a verified caller's request (403 naming the field): the user
   * may be filled in from the caller's claims and the lifetime shortened. Without a policy
   * the request is returned as it is.
   */
  authorize<R extends TokenRequest>(request: R, caller: CallerClaims | undefined): R;
  /** The validated fields of a Chat app token request. */
  parseChatApp(input: unknown): ChatAppTokenRequest;
  /**
   * Mints a validated (and, with a policy, authorized) request. Callers of a Chat app token
   * must have been checked as admins.
   */
  mint(request: TokenRequest | ChatAppTokenRequest): AgoraAnswer;
}

/** Names of the privileges in the answer, as `inspect` names them. */
const privilegeNames: Record<keyof PrivilegeExpiries | 'rtmExpiry', string> = {
  joinExpiry: 'joinChannel',
  audioExpiry: 'publishAudioStream',
  videoExpiry: 'publishVideoStream',
  dataExpiry: 'publishDataStream',
  rtmExpiry: 'rtmLogin',
};

const allExpiries = [...rtcExpiryFields, 'rtmExpiry'] as const;
type ExpiryFields = { expiry: number; role: AgoraRole; rtmExpiry?: number };

const required = <T>(value: T | undefined, field: string): T => {
  if (value === undefined) throw invalidRequest(field, `${field} is required`);
  return value;
};

export function createIssuer(config: AgoraConfig, clock: Clock): AgoraIssuer {
  const schemas = {
    rtc: rtcRequest(config.defaultExpiry),
    rte: rteRequest(config.defaultExpiry),
    rtm: rtmRequest(config.defaultExpiry),
    chat: chatRequest(config.defaultExpiry),
    convoai: convoAiRequest(config.defaultExpiry),
    chatApp: chatAppRequest(config.defaultExpiry),
  };
  const at = (seconds: number) => new Date(clock.now() + seconds * 1000).toISOString();

  /**
   * Each privilege's expiry, listed only when the request set one: otherwise every privilege
   * expires with the token, as `expiresAt` says.
   */
  const privilegeAnswer = (request: PrivilegeExpiries & ExpiryFields, rtm: boolean) => {
    if (allExpiries.every((name) => request[name] === undefined)) return {};
    const held = request.role === 'publisher' ? rtcExpiryFields : rtcExpiryFields.slice(0, 1);
    const listed = rtm ? [...held, 'rtmExpiry' as const] : held;
    return {
      privileges: Object.fromEntries(
        listed.map((name) => [privilegeNames[name], at(request[name] ?? request.expiry)]),
      ),
    };
  };

  return {
    parse(type, input) {
      return { type, ...parseInput<object>(schemas[type], input) } as TokenRequest;
    },
    parseByType(input) {
      return this.parse(parseInput(tokenTypeRequest, input).type, input);
    },
    mint(request) {
      const { expiry } = request;
      switch (request.type) {
        case 'rtc': {
          const { channel, role } = request;
          const user = rtcUser(request);
          const token = buildRtcToken(config, channel, user, role, expiry, request);
          return {
            token,
            type: 'rtc',
            channel,
            ...user,
            role,
            expiresIn: expiry,
            ...privilegeAnswer(request, false),
          };
        }
        case 'rte': {
          const { channel, role, rtmUid } = request;
          const user = rtcUser(request);
          const rtm = {
            user: rtmUid ?? rtmUserOf(rteUser(user)),
            expiry: request.rtmExpiry ?? expiry,
          };
          const token = buildRteToken(config, channel, user, role, expiry, request, rtm);
          return {
            token,
            type: 'rte',
            channel,
            ...user,
            role,
            ...(rtmUid === undefined ? {} : { rtmUid }),
            expiresIn: expiry,
            ...privilegeAnswer(request, true),
          };
        }
        case 'convoai': {
          const { channel } = request;
          const agent = rtcUser(request);
          const rtmUid = request.rtmUid ?? rtmUserOf(rteUser(agent));
          const token = buildConvoAiToken(config, channel, agent, rtmUid, expiry);
          return {
            token,
            type: 'convoai',
            channel,
            ...agent,
            rtmUid,
            expiresIn: expiry,
            // The header value Agora's Conversational AI REST API accepts instead of Basic auth.
            authorization: `agora token=${token}`,
          };
        }
        case 'rtm': {
          const uid = required(request.uid, 'uid');
          return { token: buildRtmToken(config, uid, expiry), type: 'rtm', uid, expiresIn: expiry };
        }
        case 'chat': {
          const uid = required(request.uid, 'uid');
          const token = buildChatUserToken(config, uid, expiry);
          return { token, type: 'chat', uid, expiresIn: expiry };
        }
        case 'chat_app':
          return { token: buildChatAppToken(config, expiry), type: 'chat_app', expiresIn: expiry };
      }
    },
    authorize(request, caller) {
      if (!config.policy) return request;
      // The caller gate runs before every minting route whenever a policy is configured.
      if (!caller) throw new Error('AGORA_POLICY needs a verified caller');
      return authorize(config.policy, caller, request);
    },
    parseChatApp(input) {
      return { type: 'chat_app', ...parseInput(schemas.chatApp, input) };
    },
  };
}
