import { z } from 'zod';
import type { RouteDoc } from '../../src/openapi/route-doc';
import {
  anyTokenAnswer,
  chatAnswer,
  chatAppAnswer,
  convoAiAnswer,
  diagnoseAnswer,
  inspectAnswer,
  rtcAnswer,
  rteAnswer,
  rtmAnswer,
} from './answer-schemas';
import type { AgoraConfig } from './config';
import type { TokenType } from './requests';
import {
  chatAppRequest,
  chatRequest,
  convoAiRequest,
  diagnoseFields,
  diagnoseUsers,
  inspectRequest,
  rtcRequest,
  rteRequest,
  rtmRequest,
  tokenTypeRequest,
} from './schemas';

const token = '007eJxTYNh78/jn1Ce7VWwm7Q8X92SdcKJq6oGtuucOShmfubZwV8xdBQbTtEQjQ3Mjw…';
const expiresAt = '2026-11-22T13:00:00.000Z';

/** One kind of token: what it is, what it takes, and an exchange that works. */
interface TokenKind {
  summary: string;
  description?: string;
  request: z.ZodType;
  answer: z.ZodType;
  requestExample: Record<string, unknown>;
  answerExample: Record<string, unknown>;
}

const kinds = (defaultExpiry: number): Record<TokenType, TokenKind> => ({
  rtc: {
    summary: 'An RTC token',
    description:
      'For one channel and one user (`uid` or `account`). The privilege expiries (`joinExpiry`, `audioExpiry`, `videoExpiry`, `dataExpiry`) serve co-host authentication.',
    request: rtcRequest(defaultExpiry),
    answer: rtcAnswer,
    requestExample: { channel: 'demo', uid: '42', role: 'publisher', expiry: '600' },
    answerExample: {
      token,
      type: 'rtc',
      channel: 'demo',
      uid: 42,
      role: 'publisher',
      expiresIn: 600,
      expiresAt,
    },
  },
  rtm: {
    summary: 'An RTM (Signaling) login token',
    request: rtmRequest(defaultExpiry),
    answer: rtmAnswer,
    requestExample: { uid: 'alice' },
    answerExample: { token, type: 'rtm', uid: 'alice', expiresIn: 3600, expiresAt },
  },
  rte: {
    summary: 'One token with RTC for a channel and an RTM login',
    description:
      'The RTM user is `rtmUid`, or else the RTC user as text (uid 0 then needs `rtmUid`); `rtmExpiry` is the RTM login lifetime.',
    request: rteRequest(defaultExpiry),
    answer: rteAnswer,
    requestExample: { channel: 'demo', uid: '42', rtmUid: 'alice' },
    answerExample: {
      token,
      type: 'rte',
      channel: 'demo',
      uid: 42,
      role: 'publisher',
      rtmUid: 'alice',
      expiresIn: 3600,
      expiresAt,
    },
  },
  chat: {
    summary: 'An Agora Chat user token',
    request: chatRequest(defaultExpiry),
    answer: chatAnswer,
    requestExample: { uid: 'alice' },
    answerExample: { token, type: 'chat', uid: 'alice', expiresIn: 3600, expiresAt },
  },
  convoai: {
    summary: "A Conversational AI agent's token",
    description:
      'RTC as a publisher, RTM and the Conversational AI service, for the agent; `authorization` is the header value of the ConvoAI REST API.',
    request: convoAiRequest(defaultExpiry),
    answer: convoAiAnswer,
    requestExample: { channel: 'support', uid: '1001' },
    answerExample: {
      token,
      type: 'convoai',
      channel: 'support',
      uid: 1001,
      rtmUid: '1001',
      expiresIn: 3600,
      authorization: `agora token=${token}`,
      expiresAt,
    },
  },
});

const inspectExample = {
  version: '007',
  appId: '970ca35de60c44645bbae8a215061b33',
  issuedAt: '2026-11-22T12:00:00.000Z',
  expire: 3600,
  expiresAt,
  expired: false,
  salt: 123456,
  services: [
    {
      type: 1,
      name: 'rtc',
      channel: 'demo',
      uid: '42',
      privileges: [{ id: 1, name: 'joinChannel', expire: 3600, expiresAt }],
    },
  ],
  signature: 'valid',
};

/** The docs of the routes under `/api/agora`, as this configuration mounts them. */
export function agoraDocs(config: AgoraConfig): RouteDoc[] {
  const caller = config.caller
    ? {
        security: { schemes: ['callerJwt' as const] },
        // AGORA_POLICY refuses what a verified caller may not mint.
        errors: config.policy ? (['forbidden'] as const) : [],
      }
    : {};
  const minting = (path: string, kind: TokenKind): RouteDoc => ({
    methods: ['GET', 'POST'],
    path,
    summary: kind.summary,
    description:
      `${kind.description ?? ''} GET takes the fields as query parameters, POST as a JSON body.`.trim(),
    query: kind.request,
    body: kind.request,
    requestExample: kind.requestExample,
    responses: {
      200: { description: 'The token', schema: kind.answer, example: kind.answerExample },
    },
    ...caller,
  });
  const all = kinds(config.defaultExpiry);
  const requests = Object.values(all).map((kind) => kind.request) as [z.ZodType, ...z.ZodType[]];
  const byType: TokenKind = {
    summary: 'Any token a caller may ask for, chosen by `type`',
    description: '`type` = `rtc` (default), `rtm`, `rte`, `chat` or `convoai`, with its fields.',
    request: tokenTypeRequest.and(z.union(requests)),
    answer: anyTokenAnswer,
    requestExample: { type: 'rtm', uid: 'alice' },
    answerExample: all.rtm.answerExample,
  };
  return [
    ...Object.entries(all).map(([type, kind]) => minting(`/${type}`, kind)),
    minting('/token', byType),
    {
      ...minting('/chat/app', {
        summary: 'An Agora Chat app token (full administration of the Chat app)',
        request: chatAppRequest(config.defaultExpiry),
        answer: chatAppAnswer,
        requestExample: { expiry: '900' },
        answerExample: { token, type: 'chat_app', expiresIn: 900, expiresAt },
      }),
      security: { schemes: ['adminKey'] },
      // Chat app tokens are off without AGORA_ADMIN_KEY.
      errors: ['forbidden'],
    },
    {
      methods: ['POST'],
      path: '/inspect',
      summary: 'Decodes a 006 or 007 token',
      description:
        "Version, app id, issue time, expiry, services and privileges, and whether one of this gateway's certificates signed it. A 006 signature covers the channel and user it was built for: send them to check it.",
      body: inspectRequest,
      requestExample: { token },
      responses: {
        200: { description: 'The decoded token', schema: inspectAnswer, example: inspectExample },
      },
    },
    {
      methods: ['POST'],
      path: '/diagnose',
      summary: 'Says why Agora would reject a token',
      description:
        'Each finding has a stable `code`, a `severity` (`error` when Agora rejects the token for it) and what to change. `uid` is an integer for RTC, a user id otherwise.',
      body: diagnoseFields.and(diagnoseUsers.rtc.or(diagnoseUsers.other)),
      requestExample: { token, service: 'rtc', channel: 'demo', uid: 42 },
      responses: {
        200: {
          description: 'The findings, and the decoded token',
          schema: diagnoseAnswer,
          example: {
            ok: false,
            findings: [
              {
                code: 'channel_mismatch',
                severity: 'error',
                message:
                  'The token is for channel "demo", the client joins "lobby": join the channel it was minted for (names are case-sensitive).',
              },
            ],
            token: inspectExample,
          },
        },
      },
    },
  ];
}
