import { z } from 'zod';
import { invalidRequest } from '../../src/errors';
import { parseInput } from '../../src/http/input';
import type { DiagnoseRequest } from './diagnose';
import { hex32, maxExpirySeconds } from './limits';
import {
  rtcExpiryFields,
  tokenTypes,
  type ConvoAiTokenRequest,
  type RtcTokenRequest,
  type RteTokenRequest,
} from './requests';

/** Characters Agora allows in channel names (and RTM user ids). */
const agoraChars = /^[a-zA-Z0-9 !#$%&()+\-:;<=.>?@[\]^_{}|~,]*$/;
const agoraCharsText = 'a–z, A–Z, 0–9, space and !#$%&()+-:;<=.>?@[]^_{}|~,';
export const maxUid = 4_294_967_295;

/** JSON numbers are accepted wherever a query string would carry digits. */
const numberAsText = (value: unknown) => (typeof value === 'number' ? String(value) : value);

const text = (what: string) => z.string({ message: `must be ${what}` });

// zod's input side sees only the digit string: the JSON number and the range are told here.
const wholeNumber = (min: number, max: number, what: string) => {
  const message = `must be ${what} from ${min} to ${max}`;
  return z
    .preprocess(
      numberAsText,
      z
        .string({ message })
        .regex(/^\d{1,10}$/, message)
        .transform(Number)
        .refine((n) => n >= min && n <= max, message),
    )
    .meta({ type: ['integer', 'string'], minimum: min, maximum: max });
};

/** Where a JSON number is taken as its text. */
const numberTaken = { type: ['string', 'number'] };

export const channelField = text('a string')
  .min(1, 'must be 1 to 64 characters')
  .max(64, 'must be 1 to 64 characters')
  .regex(agoraChars, `may only contain ${agoraCharsText}`)
  .meta({ description: `The channel name: 1 to 64 of ${agoraCharsText}` });

/** An RTC user id; 0 lets any user join with the token. */
export const uidField = wholeNumber(0, maxUid, 'an integer').meta({
  description: 'The RTC user id, 0 to 4294967295 (0: any user); or send `account`',
});

export const accountField = text('a string')
  // A lone surrogate would be signed as U+FFFD: the token would name another account than the answer.
  .refine((s) => !/\p{Cs}/u.test(s), 'must be well-formed Unicode text')
  .refine((s) => {
    const bytes = Buffer.byteLength(s, 'utf8');
    return bytes >= 1 && bytes <= 255;
  }, 'must be 1 to 255 bytes')
  // eslint-disable-next-line no-control-regex
  .refine((s) => !/[\u0000-\u001f\u007f]/.test(s), 'must not contain control characters')
  .meta({
    minLength: 1,
    maxLength: 255,
    description: 'A string user account: 1 to 255 bytes of UTF-8, no control characters',
  });

const roleChoice = z
  .enum(['publisher', 'subscriber', 'audience'], {
    message: 'must be publisher or subscriber (audience is accepted as subscriber)',
  })
  .transform((role): AgoraRole => (role === 'audience' ? 'subscriber' : role));

export const roleField = roleChoice.default('publisher').meta({
  description: 'Subscribers get only the join privilege; `audience` is taken as `subscriber`',
});

/** RTM user ids: Agora's channel-name character set, 1 to 64 characters. */
export const rtmUserField = z
  .preprocess(
    numberAsText,
    text('a string')
      .min(1, 'must be 1 to 64 characters')
      .max(64, 'must be 1 to 64 characters')
      .regex(agoraChars, `may only contain ${agoraCharsText}`),
  )
  .meta({ ...numberTaken, description: `An RTM user id: 1 to 64 of ${agoraCharsText}` });

/** Agora Chat user ids (usernames or UUIDs). */
export const chatUserField = z
  .preprocess(
    numberAsText,
    text('a string').regex(
      /^[A-Za-z0-9_.@-]{1,64}$/,
      'must be 1 to 64 characters of a–z, A–Z, 0–9 and _ . @ -',
    ),
  )
  .meta({ ...numberTaken, description: 'A Chat user id: 1 to 64 of a–z, A–Z, 0–9 and _ . @ -' });

export type AgoraRole = 'publisher' | 'subscriber';

/** Who an RTC token is for: a numeric uid or a string account, never both. */
export type RtcUser = { uid: number } | { account: string };

const seconds = wholeNumber(1, maxExpirySeconds, 'a whole number of seconds').meta({
  description: 'Seconds from now, at most `expiry`',
});

export const expiryField = (defaultExpiry: number) =>
  seconds.default(defaultExpiry).meta({ description: 'Token lifetime in seconds from now' });

const publishExpiries: readonly string[] = rtcExpiryFields.slice(1);

/** `uid` and `account` exclude each other. */
const oneUser = (value: { uid?: unknown; account?: unknown }, ctx: z.RefinementCtx) => {
  if (value.uid !== undefined && value.account !== undefined) {
    ctx.addIssue({
      code: 'custom',
      path: ['uid'],
      message: 'send either uid or account, not both',
    });
  }
};

/** Each privilege lasts at most as long as the token; publish privileges are a publisher's. */
const privilegesWithin =
  (privileges: readonly string[]) =>
  (value: Record<string, unknown> & { expiry: number; role: AgoraRole }, ctx: z.RefinementCtx) => {
    for (const name of privileges) {
      const privilegeExpiry = value[name];
      if (typeof privilegeExpiry !== 'number') continue;
      if (value.role === 'subscriber' && publishExpiries.includes(name)) {
        ctx.addIssue({
          code: 'custom',
          path: [name],
          message: 'is a publish privilege: send role=publisher',
        });
      } else if (privilegeExpiry > value.expiry) {
        ctx.addIssue({
          code: 'custom',
          path: [name],
          message: `must be at most expiry (${value.expiry})`,
        });
      }
    }
  };

const rtcFields = (defaultExpiry: number) => ({
  channel: channelField,
  uid: uidField.optional(),
  account: accountField.optional(),
  role: roleField,
  expiry: expiryField(defaultExpiry),
  joinExpiry: seconds.optional(),
  audioExpiry: seconds.optional(),
  videoExpiry: seconds.optional(),
  dataExpiry: seconds.optional(),
});

/** Request fields of the RTC route. */
export const rtcRequest = (defaultExpiry: number): z.ZodType<Omit<RtcTokenRequest, 'type'>> =>
  z
    .object(rtcFields(defaultExpiry))
    .superRefine(oneUser)
    .superRefine(privilegesWithin(rtcExpiryFields));

/** Request fields of the RTE route: the RTC ones, and the RTM user and login lifetime. */
export const rteRequest = (defaultExpiry: number): z.ZodType<Omit<RteTokenRequest, 'type'>> =>
  z
    .object({
      ...rtcFields(defaultExpiry),
      rtmUid: rtmUserField.optional(),
      rtmExpiry: seconds.optional(),
    })
    .superRefine(oneUser)
    .superRefine(privilegesWithin([...rtcExpiryFields, 'rtmExpiry']));

/** Request fields of the Conversational AI route: the agent's channel and identity. */
export const convoAiRequest = (
  defaultExpiry: number,
): z.ZodType<Omit<ConvoAiTokenRequest, 'type'>> =>
  z
    .object({
      channel: channelField,
      uid: uidField.optional(),
      account: accountField.optional(),
      rtmUid: rtmUserField.optional(),
      expiry: expiryField(defaultExpiry),
    })
    .superRefine(oneUser);

export const rtmRequest = (defaultExpiry: number) =>
  z.object({ uid: rtmUserField.optional(), expiry: expiryField(defaultExpiry) });

export const chatRequest = (defaultExpiry: number) =>
  z.object({ uid: chatUserField.optional(), expiry: expiryField(defaultExpiry) });

export const chatAppRequest = (defaultExpiry: number) =>
  z.object({ expiry: expiryField(defaultExpiry) });

export const tokenTypeRequest = z.object({
  type: z.enum(tokenTypes, { message: 'must be rtc, rtm, rte, chat or convoai' }).default('rtc'),
});

const tokenField = text('a string')
  .min(1, 'must not be empty')
  .max(4096, 'is too long for an Agora token')
  .meta({ description: 'An Agora 006 or 007 token' });

/** A token, and for 006 tokens the channel and user its signature covers. */
export const inspectRequest = z
  .object({
    token: tokenField,
    channel: channelField.optional(),
    uid: uidField.optional(),
    account: accountField.optional(),
  })
  .superRefine(oneUser);

/** A time as ISO 8601 text or Unix seconds, in ms since the epoch. */
const timeField = z
  .preprocess(
    numberAsText,
    text('an ISO 8601 time or Unix seconds').transform((value, ctx) => {
      const ms = /^\d{1,11}$/.test(value)
        ? Number(value) * 1000
        : /^\d{4}-\d\d-\d\dT/.test(value)
          ? Date.parse(value)
          : NaN;
      if (!Number.isNaN(ms)) return ms;
      ctx.addIssue({ code: 'custom', message: 'must be an ISO 8601 time or Unix seconds' });
      return z.NEVER;
    }),
  )
  .meta({
    ...numberTaken,
    description: 'When the client uses the token (ISO 8601 or Unix seconds); default now',
  });

export const diagnoseFields = z.object({
  token: tokenField,
  service: z.enum(['rtc', 'rtm', 'chat'], { message: 'must be rtc, rtm or chat' }),
  channel: channelField.optional(),
  role: roleChoice.optional(),
  appId: text('a string').regex(hex32, 'must be 32 hexadecimal characters').optional(),
  at: timeField.optional(),
});

/** RTM and Chat user ids are checked against the token, so any sane text is taken. */
const userIdText = z.preprocess(numberAsText, accountField).meta(numberTaken);
export const diagnoseUsers: Record<
  'rtc' | 'other',
  z.ZodType<Pick<DiagnoseRequest, 'uid' | 'account'>>
> = {
  rtc: z
    .object({ uid: uidField.optional(), account: accountField.optional() })
    .superRefine(oneUser),
  other: z
    .object({ uid: userIdText.optional(), account: userIdText.optional() })
    .superRefine(oneUser),
};

/** The fields of a diagnose request; `uid` is an integer for RTC, a user id otherwise. */
export function parseDiagnoseRequest(input: unknown): DiagnoseRequest {
  const fields = parseInput(diagnoseFields, input);
  return {
    ...fields,
    ...parseInput(diagnoseUsers[fields.service === 'rtc' ? 'rtc' : 'other'], input),
  };
}

/** Enforces exactly one of `uid` and `account`. */
export function rtcUser(input: { uid?: number; account?: string }): RtcUser {
  if (input.uid !== undefined && input.account !== undefined) {
    throw invalidRequest('uid', 'send either uid or account, not both');
  }
  if (input.uid !== undefined) return { uid: input.uid };
  if (input.account !== undefined) return { account: input.account };
  throw invalidRequest('uid', 'uid or account is required');
}

/**
 * An RTE token also logs its user in to RTM: the RTC wildcard uid 0 cannot do that, and an
 * account must also be a valid RTM user id. `field` names the request field of an account.
 */
export function rteUser(user: RtcUser, field = 'account'): RtcUser {
  if ('account' in user) {
    parseInput(z.object({ [field]: rtmUserField }), { [field]: user.account });
  } else if (user.uid === 0) {
    throw invalidRequest(
      'uid',
      'uid 0 (any user) cannot log in to RTM: send a specific uid, or a separate RTM user id',
    );
  }
  return user;
}
