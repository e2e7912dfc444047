import { z } from 'zod';
import { tokenAnswerFields } from '../../src/openapi/answers';
import type { RouteDoc } from '../../src/openapi/route-doc';
import type { TextileConfig } from './config';
import { privateKeyPattern, publicKeyPattern } from './identity';
import type { ChallengeAnswer, TokenAnswer } from './service';

// The routes check their fields by hand (identity.ts), with the same patterns as these.
const publicKey = z.string().regex(publicKeyPattern).meta({
  description: "The identity's public key string (`PrivateKey.public.toString()`)",
});
const privateKey = z.string().regex(privateKeyPattern);
const base64 = z.string().meta({ description: 'Standard or URL-safe base64' });

const privateKeyQuery = z.object({
  id: privateKey.optional().meta({ description: 'The identity (`PrivateKey.toString()`)' }),
  ident: privateKey.optional().meta({ description: 'The tutorial’s name for `id`' }),
});
const challengeRequest = z.object({ publicKey });
const challengeAnswerRequest = z.object({
  challengeId: z.string().max(200).meta({ description: 'From the challenge' }),
  signature: base64.meta({ description: 'The 64-byte ed25519 signature of the challenge bytes' }),
});

const tokenAnswer = z.strictObject({
  ...tokenAnswerFields,
  identity: z.string(),
  userAuth: z
    .strictObject({ key: z.string(), sig: z.string(), msg: z.string(), token: z.string() })
    .meta({ description: 'What `Client.withUserAuth` takes' }),
}) satisfies z.ZodType<TokenAnswer>;

const challengeAnswer = z.strictObject({
  challengeId: z.string(),
  challenge: base64.meta({ description: 'The 32 challenge bytes to sign' }),
  expiresIn: tokenAnswerFields.expiresIn,
  expiresAt: tokenAnswerFields.expiresAt,
}) satisfies z.ZodType<ChallengeAnswer>;

const identity = 'bbaareigxerd5ij6hekg3ph2tka3v2d36os6wqhlqkzqtmzfc3e7h5xjs2u';
const tokenExample = {
  token: 'eyJhbGciOiJFZDI1NTE5IiwidHlwIjoiSldUIn0…',
  identity,
  userAuth: {
    key: 'bmzbq3dnatrjrqgb5ir2tfxhaha',
    sig: 'bmbo7rkxv3tj4dqgnz4w6fpg…',
    msg: '2026-11-22T12:05:00.000Z',
    token: 'eyJhbGciOiJFZDI1NTE5IiwidHlwIjoiSldUIn0…',
  },
  expiresIn: 300,
  expiresAt: '2026-11-22T12:05:00.000Z',
};
const token = { description: 'The hub token and its user auth', schema: tokenAnswer };
const hubErrors = ['unavailable', 'upstream_error', 'upstream_timeout'] as const;

/** The docs of the routes under `/api/textile`. */
export function textileDocs(config: TextileConfig): RouteDoc[] {
  return [
    {
      methods: ['GET'],
      path: '/token',
      summary: 'A token for an identity sent as its private key (discouraged)',
      description: config.TEXTILE_ALLOW_PRIVATE_KEY
        ? 'The gateway signs the hub’s challenge with the identity. Prefer the challenge flows, which keep the private key on the client.'
        : 'Disabled on this gateway (`TEXTILE_ALLOW_PRIVATE_KEY=false`): use the challenge flows.',
      query: privateKeyQuery,
      responses: { 200: { ...token, example: tokenExample } },
      errors: config.TEXTILE_ALLOW_PRIVATE_KEY ? hubErrors : ['forbidden'],
    },
    {
      methods: ['POST'],
      path: '/token/challenge',
      summary: 'Step 1 of the challenge flow: a challenge for a public key',
      description: `Answer it within ${config.TEXTILE_CHALLENGE_TTL} s at \`POST /api/textile/token\`.`,
      body: challengeRequest,
      requestExample: { publicKey: identity },
      responses: {
        200: {
          description: 'The challenge',
          schema: challengeAnswer,
          example: {
            challengeId: 'c1f3a9e2b7d04c5e8f6a',
            challenge: 'q83vEjRWeJq83vEjRWeJq83vEjRWeJq83vEjRWeJq80=',
            expiresIn: 30,
            expiresAt: '2026-11-22T12:00:30.000Z',
          },
        },
      },
      errors: hubErrors,
    },
    {
      methods: ['POST'],
      path: '/token',
      summary: 'Step 2 of the challenge flow: the signed challenge, for the token',
      description:
        'A challenge can be answered once; an unknown, used or expired id is a 400, a signature the hub rejects a 401.',
      body: challengeAnswerRequest,
      requestExample: { challengeId: 'c1f3a9e2b7d04c5e8f6a', signature: 'base64 of 64 bytes…' },
      responses: { 200: { ...token, example: tokenExample } },
      errors: ['unauthorized', ...hubErrors],
    },
    {
      methods: ['GET'],
      path: '/token/ws',
      summary: 'The challenge flow over a WebSocket (Textile’s browser example)',
      description:
        'Client → `{"type":"token","pubkey":"bbaarei…"}`; server → `{"type":"challenge","value":{"type":"Buffer","data":[…]}}`; client → `{"type":"challenge","sig":<Buffer JSON or base64>}`; server → `{"type":"token","value":{key,sig,msg,token},"identity","expiresAt"}`. Failures: `{"type":"error","value":"<message>"}`. A plain GET (no `Upgrade: websocket`) is a 400.',
      responses: { 101: { description: 'Switching to the WebSocket protocol' } },
    },
  ];
}
