import { z } from 'zod';
import { tokenAnswerFields } from '../../src/openapi/answers';
import type { RouteDoc } from '../../src/openapi/route-doc';

const tokenAnswer = z.strictObject({
  ...tokenAnswerFields,
  tokenType: z.string().meta({ description: 'As IMS says: `Bearer`' }),
  scope: z.string(),
});

const accessToken = 'eyJhbGciOiJSUzI1NiIsImtpZCI6Ik…';
const caller = { security: { schemes: ['callerJwt' as const] } };
// IMS failing or slow, or a cached token out of reach of the cluster's store.
const imsErrors = ['upstream_error', 'upstream_timeout', 'unavailable'] as const;

/** The docs of `GET /api/bentley/token` and of the mobile sample's `GET /getToken`. */
export const bentleyDocs: RouteDoc[] = [
  {
    methods: ['GET'],
    path: '/token',
    summary: 'An iTwin Platform access token for a verified caller',
    description:
      'Obtained from IMS by OAuth2 client credentials, cached for its lifetime; `expiresIn` is what remains of it.',
    responses: {
      200: {
        description: 'The access token',
        schema: tokenAnswer,
        example: {
          token: accessToken,
          tokenType: 'Bearer',
          expiresIn: 3599,
          expiresAt: '2026-11-22T13:00:00.000Z',
          scope: 'itwin-platform',
        },
      },
    },
    ...caller,
    errors: imsErrors,
  },
  {
    methods: ['GET'],
    path: '/getToken',
    root: true,
    summary: 'The same token as text, as the iTwin mobile samples expect',
    responses: {
      200: {
        description: '`<tokenType> <access token>`',
        contentType: 'text/plain',
        example: `Bearer ${accessToken}`,
      },
    },
    ...caller,
    errors: imsErrors,
  },
];
