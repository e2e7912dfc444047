import Router from '@koa/router';
import { z } from 'zod';
import { GatewayError } from '../../src/errors';
import { jsonBody } from '../../src/http/json-body';
import { parseInput, requestInput } from '../../src/http/input';
import { sendToken } from '../../src/http/token-response';
import { defineProvider } from '../../src/provider';

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
        const { user } = parseInput(z.object({ user: z.string().min(1) }), requestInput(ctx));
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
      return { router, rootRouter, ready };
    },
  });
