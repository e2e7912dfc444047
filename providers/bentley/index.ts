import { defineProvider } from '../../src/provider';
import { bentleyConfigSchema, bentleyEnv } from './config';
import { bentleyDocs } from './docs';
import { compatRouter, tokenRouter } from './routes';
import { createTokenService } from './token-service';

/** Bentley iTwin Platform: client-credentials tokens from IMS for verified callers. */
export const bentleyProvider = defineProvider({
  id: 'bentley',
  title: 'Bentley iTwin Platform',
  env: bentleyEnv,
  coreEnvAliases: { PORT: ['ITM_TOKEN_SERVER_PORT'] },
  configSchema: bentleyConfigSchema,
  create(config, deps) {
    const service = createTokenService(config, deps);
    const authenticate = deps
      .callerAuth({
        issuer: config.BENTLEY_CALLER_ISSUER,
        audience: config.BENTLEY_CALLER_AUDIENCE,
        algorithms: config.BENTLEY_CALLER_ALGORITHMS,
        timeoutMs: Math.min(config.BENTLEY_UPSTREAM_TIMEOUT, 5_000),
      })
      .middleware();
    return {
      router: tokenRouter(service, authenticate, deps.clock),
      rootRouter: compatRouter(service, authenticate),
      docs: bentleyDocs,
      ready: () => service.ready(),
      close: async () => service.close(),
    };
  },
  // require, not import(): loaded only by `npm run demo` (oidc-provider is a dev dependency),
  // and this CommonJS build cannot import() an extension-less TypeScript path.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  demo: async () => (require('./demo') as typeof import('./demo')).startBentleyDemo(),
});
