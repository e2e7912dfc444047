import Router from '@koa/router';
import { z } from 'zod';
import { GatewayError } from '../../src/errors';
import { jsonBody } from '../../src/http/json-body';
import { parseInput, requestInput } from '../../src/http/input';
import { sendToken } from '../../src/http/token-response';
import { tokenAnswerFields } from '../../src/openapi/answers';
import type { RouteDoc } from '../../src/openapi/route-doc';
import { defineProvider } from '../../src/provider';

const tokenRequest = z.object({ user: z.string().min(1) });

/** The sample's routes, documented as a provider documents its own. */
const sampleDocs: RouteDoc[] = [
  {
    methods: ['GET', 'POST'],
    path: '/token',
    summary: 'A token for a user',
    query: tokenRequest,
    body: tokenRequest,
    responses: {
      200: {
        description: 'The token',
        schema: z.strictObject({ ...tokenAnswerFields, user: z.string() }),
      },
    },
  },
  {
    methods: ['GET'],
    path: '/boom',
    summary: 'Fails unexpectedly',
    responses: {},
  },
  {
    methods: ['GET'],
    path: '/teapot',
    summary: 'Always over its budget',
    responses: {},
  },
  {
    methods: ['GET'],
    path: '/wait',
    summary: 'Answers after `ms` milliseconds',
    query: z.object({ ms: z.string().optional() }),
    responses: {
      200: { description: 'Waited', schema: z.strictObject({ waited: z.literal(true) }) },
    },
  },
  {
    methods: ['ANY'],
    path: '/any',
    summary: 'Answers any method',
    responses: {
      200: { description: 'The method', schema: z.strictObject({ method: z.string() }) },
    },
  },
  {
    methods: ['GET'],
    path: '/sample-compat',
    root: true,
    summary: 'A root compatibility route',
    responses: {
      200: { description: 'Compat', schema: z.strictObject({ compat: z.literal(true) }) },
    },
  },
];

/**
 * A small provider that exercises the core: it is configured like a real one
 * (`SAMPLE_SECRET`, `SAMPLE_TTL`) and mints opaque tokens.
 */
export const sampleProvider = (id = 'sample', ready: () => Promise<void> = async () => {}) =>
  defineProvider({
    id,
    title: 'Sample',
    env: { SAMPLE_SECRET: ['SAMPLE_LEGACY_SECRET'], SAMPLE_TTL: [] },
    configSchema: z.object({
      SAMPLE_SECRET: z.string({ message: 'is required' }).min(8, 'must be at least 8 characters'),
      SAMPLE_TTL: z.coerce
        .number()
        .int('must be an integer')
        .positive('must be positive')
        .default(60),
    }),
    create(config, deps) {
      const router = new Router();
      const issue = (ctx: Parameters<Parameters<Router['get']>[1]>[0]) => {
        const { user } = parseInput(tokenRequest, requestInput(ctx));
        sendToken(ctx, deps.clock, { token: `t-${user}`, expiresIn: config.SAMPLE_TTL, user });
      };
      router.get('/token', issue);
      router.post('/token', jsonBody(), issue);
      router.get('/boom', () => {
        throw new Error(`exploded with ${config.SAMPLE_SECRET}`);
      });
      router.get('/teapot', () => {
        throw new GatewayError('rate_limited', 'slow down', undefined, { 'Retry-After': '7' });
      });
      router.get('/wait', async (ctx) => {
        await new Promise((resolve) => setTimeout(resolve, Number(ctx.query.ms ?? 0)));
        ctx.body = { waited: true };
      });
      router.all('/any', (ctx) => {
        ctx.body = { method: ctx.method };
      });
      const rootRouter = new Router();
      rootRouter.get('/sample-compat', (ctx) => {
        ctx.body = { compat: true };
      });
      return { router, rootRouter, ready, docs: sampleDocs };
    },
  });
