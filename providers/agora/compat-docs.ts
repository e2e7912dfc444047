import { z } from 'zod';
import type { RouteDoc } from '../../src/openapi/route-doc';
import { compatAnswers } from './answer-schemas';
import { compatSchemas } from './compat';
import type { AgoraConfig } from './config';
import { accountField, chatUserField, rtmUserField, uidField } from './schemas';

const token = '007eJxTYFjxWUGOV4LhsvfRtyF+onmu5pzNLOV2M7+zcCk1KrV+yFdgME1LNDI0NzJMTjY2…';
const tags = ['agora compatibility'];

/**
 * The docs of the reference Agora token servers' routes, mounted at the root with
 * `AGORA_COMPAT_ROUTES=true`.
 */
export function agoraCompatDocs(config: AgoraConfig): RouteDoc[] {
  const { rtcPath, goRequest, rtmPath, chatPath, chatAppPath, goRtc } = compatSchemas(
    config.defaultExpiry,
  );
  const expiry = rtcPath.pick({ expiry: true });
  const caller = config.caller ? { security: { schemes: ['callerJwt' as const] } } : {};
  const refusals = config.policy ? { errors: ['forbidden' as const] } : {};
  const answer = (schema: z.ZodType, example: Record<string, string>) => ({
    200: { description: 'The token', schema, example },
  });
  const route = (doc: Omit<RouteDoc, 'root' | 'tags'>): RouteDoc => ({ ...doc, root: true, tags });
  return [
    route({
      methods: ['GET'],
      path: '/ping',
      summary: 'Liveness, as the Node token server answers it',
      responses: {
        200: { description: 'Pong', schema: compatAnswers.ping, example: { message: 'pong' } },
      },
    }),
    route({
      methods: ['GET'],
      path: '/rtc/:channel/:role/:tokentype/:uid',
      summary: "An RTC token, as Agora's Node token server answers it",
      params: rtcPath.pick({ channel: true, role: true, tokentype: true, uid: true }),
      query: expiry,
      requestExample: { channel: 'demo', role: 'publisher', tokentype: 'uid', uid: '42' },
      responses: answer(compatAnswers.rtc, { rtcToken: token }),
      ...caller,
      ...refusals,
    }),
    route({
      methods: ['GET'],
      path: '/rtm/:uid',
      summary: 'An RTM token, as the Node token server answers it',
      params: rtmPath.pick({ uid: true }),
      query: expiry,
      requestExample: { uid: 'alice' },
      responses: answer(compatAnswers.rtm, { rtmToken: token }),
      ...caller,
      ...refusals,
    }),
    route({
      methods: ['GET'],
      path: '/rte/:channel/:role/:tokentype/:uid{/:rtmuid}',
      summary: 'An RTC and an RTM token, for `rtmuid` or else the RTC user',
      params: rtcPath.pick({
        channel: true,
        role: true,
        tokentype: true,
        uid: true,
        rtmuid: true,
      }),
      query: expiry,
      requestExample: { channel: 'demo', role: 'publisher', tokentype: 'uid', uid: '42' },
      responses: answer(compatAnswers.rte, { rtcToken: token, rtmToken: token }),
      ...caller,
      ...refusals,
    }),
    route({
      methods: ['GET'],
      path: '/chat/app',
      summary: 'A Chat app token, for the admin key',
      query: chatAppPath,
      responses: answer(compatAnswers.chat, { chatToken: token }),
      security: { schemes: ['adminKey'] },
      errors: ['forbidden'],
    }),
    route({
      methods: ['GET'],
      path: '/chat/account/:id',
      summary: 'A Chat user token',
      params: chatPath.pick({ id: true }),
      query: chatPath.pick({ expiry: true }),
      requestExample: { id: 'alice' },
      responses: answer(compatAnswers.chat, { chatToken: token }),
      ...caller,
      ...refusals,
    }),
    route({
      methods: ['POST'],
      path: '/getToken',
      summary: "A token, as Agora's Go token service answers it",
      description:
        'For `rtc`, a `uid` of digits mints a uid token and any other text an account token; for `chat`, no `uid` asks for the Chat app token, which needs the admin key.',
      body: goRequest.extend(goRtc.partial().shape).extend({
        uid: z
          .union([uidField, accountField, rtmUserField, chatUserField])
          .optional()
          .meta({ description: 'The RTC uid or account, the RTM user id, or the Chat user id' }),
      }),
      requestExample: {
        tokenType: 'rtc',
        channel: 'demo',
        role: 'publisher',
        uid: '42',
        expire: 600,
      },
      responses: answer(compatAnswers.go, { token }),
      security: config.caller
        ? { schemes: ['callerJwt', 'adminKey'] }
        : { schemes: ['adminKey'], optional: true },
      // A Chat app token without AGORA_ADMIN_KEY, or what AGORA_POLICY refuses.
      errors: ['forbidden'],
    }),
  ];
}
