import { z } from 'zod';
import { tokenAnswerFields } from '../../src/openapi/answers';
import type { RouteDoc } from '../../src/openapi/route-doc';
import { credentialsSchema } from './routes';

const time = z.iso.datetime();

const tokenAnswer = z.strictObject({ ...tokenAnswerFields, tokenType: z.literal('Bearer') });

const sessionAnswer = z.strictObject({
  clientId: z.string(),
  createdAt: time,
  lastUsedAt: time,
  expiresAt: time,
  expiresIn: tokenAnswerFields.expiresIn,
  data: z
    .record(z.string(), z.string())
    .meta({ description: 'The session fields the services have written' }),
});

// The routers match the service by name, with no schema: these describe the path.
const servicePath = {
  service: z.string().meta({ description: 'A service of `KINTO_CONFIG`' }),
  rest: z.string().meta({ description: "The path on the service's upstream" }),
};

const session = { security: { schemes: ['kintoSession' as const] } };
const passedThrough: RouteDoc['responses'] = {
  default: { description: "The service's answer, passed through", passthrough: true },
};
// The body is streamed up to KINTO_MAX_BODY; the upstream may fail, stall or be out of reach.
const proxyErrors = [
  'not_found',
  'payload_too_large',
  'upstream_error',
  'upstream_timeout',
  'unavailable',
] as const;

/** The docs of the routes under `/api/kinto`. */
export const kintoDocs: RouteDoc[] = [
  {
    methods: ['POST'],
    path: '/token',
    summary: "A session token for a client's id and secret",
    body: credentialsSchema,
    requestExample: { clientId: 'web-app', clientSecret: 'correct-horse-battery-staple' },
    responses: {
      200: {
        description: 'The session token, for `Kinto-Authorization: Bearer <token>`',
        schema: tokenAnswer,
        example: {
          token: 'k1.4f9c…',
          tokenType: 'Bearer',
          expiresIn: 3600,
          expiresAt: '2026-11-22T13:00:00.000Z',
        },
      },
    },
    // Wrong credentials; too many checks waiting; the session store full or out of reach.
    errors: ['unauthorized', 'rate_limited', 'unavailable'],
  },
  {
    methods: ['GET'],
    path: '/session',
    summary: 'The session and the fields its services wrote',
    responses: {
      200: {
        description: 'The session',
        schema: sessionAnswer,
        example: {
          clientId: 'web-app',
          createdAt: '2026-11-22T12:00:00.000Z',
          lastUsedAt: '2026-11-22T12:10:00.000Z',
          expiresAt: '2026-11-22T13:10:00.000Z',
          expiresIn: 3600,
          data: { 'auth-userId': '7' },
        },
      },
    },
    ...session,
  },
  {
    methods: ['DELETE'],
    path: '/session',
    summary: 'Ends the session',
    responses: { 204: { description: 'Ended' } },
    ...session,
  },
  {
    methods: ['ANY'],
    path: '/services/:service{/*rest}',
    summary: 'A call to a service, with the session fields it reads as headers',
    description:
      'The session fields the service declares are sent as request headers (401 when one is missing); the `<service>-…` response headers it declares are taken into the session and removed from the answer.',
    params: z.object(servicePath),
    responses: passedThrough,
    ...session,
    errors: proxyErrors,
  },
  {
    methods: ['ANY'],
    path: '/public/:clientId/:service{/*rest}',
    summary: 'A call to a public service, without a session',
    params: z.object({
      clientId: z.string().meta({ description: 'A registered client id' }),
      ...servicePath,
    }),
    responses: passedThrough,
    errors: proxyErrors,
  },
];
