import { z } from 'zod';
import { tokenAnswerFields } from '../../src/openapi/answers';
import {
  findingSeverities,
  type Diagnosis,
  type Finding,
  type FindingCode,
  type Severity,
} from './diagnose';
import type { InspectedPrivilege, InspectedService, InspectedToken } from './inspect';
import { maxUid } from './schemas';

const time = z.iso.datetime();
const role = z.enum(['publisher', 'subscriber']);

/** An answer for a uid, or the same for an account: never both. */
const forUser = <Shape extends z.core.$ZodLooseShape>(shape: Shape) =>
  z.union([
    z.strictObject({ ...shape, uid: z.int().min(0).max(maxUid) }),
    z.strictObject({ ...shape, account: z.string() }),
  ]);

const rtcPrivileges = {
  joinChannel: time,
  // A subscriber holds only the join privilege.
  publishAudioStream: time.optional(),
  publishVideoStream: time.optional(),
  publishDataStream: time.optional(),
};

/** Each privilege's expiry: listed when the request set one. */
const privilegesOf = (shape: z.core.$ZodLooseShape) =>
  z.strictObject(shape).optional().meta({ description: 'Listed when a privilege expiry was sent' });

export const rtcAnswer = forUser({
  ...tokenAnswerFields,
  type: z.literal('rtc'),
  channel: z.string(),
  role,
  privileges: privilegesOf(rtcPrivileges),
}).meta({ id: 'AgoraRtcToken' });

export const rteAnswer = forUser({
  ...tokenAnswerFields,
  type: z.literal('rte'),
  channel: z.string(),
  role,
  rtmUid: z.string().optional(),
  privileges: privilegesOf({ ...rtcPrivileges, rtmLogin: time }),
}).meta({ id: 'AgoraRteToken' });

export const convoAiAnswer = forUser({
  ...tokenAnswerFields,
  type: z.literal('convoai'),
  channel: z.string(),
  rtmUid: z.string(),
  authorization: z
    .string()
    .meta({ description: "The `Authorization` value of Agora's Conversational AI REST API" }),
}).meta({ id: 'AgoraConvoAiToken' });

export const rtmAnswer = z
  .strictObject({ ...tokenAnswerFields, type: z.literal('rtm'), uid: z.string() })
  .meta({ id: 'AgoraRtmToken' });

export const chatAnswer = z
  .strictObject({ ...tokenAnswerFields, type: z.literal('chat'), uid: z.string() })
  .meta({ id: 'AgoraChatToken' });

export const chatAppAnswer = z
  .strictObject({ ...tokenAnswerFields, type: z.literal('chat_app') })
  .meta({ id: 'AgoraChatAppToken' });

/** `/token` answers any kind a caller may ask for. */
export const anyTokenAnswer = z.union([rtcAnswer, rtmAnswer, rteAnswer, chatAnswer, convoAiAnswer]);

const inspectedPrivilege = z.strictObject({
  id: z.int(),
  name: z.string(),
  expire: z.int().meta({ description: 'Seconds after the issue time; 0: with the token' }),
  expiresAt: time,
}) satisfies z.ZodType<InspectedPrivilege>;

const inspectedService = z.strictObject({
  type: z.int(),
  name: z.string(),
  channel: z.string().optional(),
  uid: z.string().optional(),
  user: z.string().optional(),
  privileges: z.array(inspectedPrivilege),
}) satisfies z.ZodType<InspectedService>;

export const inspectAnswer = z
  .strictObject({
    version: z.enum(['006', '007']),
    appId: z.string(),
    issuedAt: time,
    expire: z.int(),
    expiresAt: time,
    expired: z.boolean(),
    salt: z.int(),
    services: z.array(inspectedService),
    crc32: z.strictObject({ channel: z.int(), uid: z.int() }).optional(),
    signature: z.enum(['valid', 'invalid', 'unknown', 'unknown_app']),
    certificate: z.enum(['primary', 'secondary']).optional(),
    message: z.string().optional(),
  })
  .meta({ id: 'AgoraInspectedToken' }) satisfies z.ZodType<InspectedToken>;

const finding = z.strictObject({
  code: z.enum(Object.keys(findingSeverities) as [FindingCode, ...FindingCode[]]),
  severity: z.enum(['error', 'warning', 'info'] satisfies Severity[]),
  message: z.string(),
}) satisfies z.ZodType<Finding>;

export const diagnoseAnswer = z.strictObject({
  ok: z.boolean().meta({ description: 'False exactly when a finding is an error' }),
  findings: z.array(finding),
  token: inspectAnswer.nullable().meta({ description: 'Null when the token is malformed' }),
}) satisfies z.ZodType<Diagnosis>;

/** The reference servers' answers. */
export const compatAnswers = {
  ping: z.strictObject({ message: z.literal('pong') }),
  rtc: z.strictObject({ rtcToken: z.string() }),
  rtm: z.strictObject({ rtmToken: z.string() }),
  rte: z.strictObject({ rtcToken: z.string(), rtmToken: z.string() }),
  chat: z.strictObject({ chatToken: z.string() }),
  go: z.strictObject({ token: z.string() }),
};
