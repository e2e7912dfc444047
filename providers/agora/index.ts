import { defineProvider } from '../../src/provider';
import { createCallerGate } from './caller';
import { agoraCli } from './cli';
import { createCompat } from './compat';
import { agoraCompatRouter } from './compat-routes';
import { agoraCompatDocs } from './compat-docs';
import { agoraConfigSchema, agoraEnv, type AgoraConfig } from './config';
import { agoraDocs } from './docs';
import { createIssuer } from './issue';
import { agoraRouter } from './routes';

/** Agora RTC, RTM and Chat tokens (AccessToken2, "007") signed with the app certificate. */
export const agoraProvider = defineProvider<AgoraConfig>({
  id: 'agora',
  title: 'Agora RTC / RTM / Chat',
  env: agoraEnv,
  configSchema: agoraConfigSchema,
  create(config, deps) {
    const issuer = createIssuer(config, deps.clock);
    const gate = createCallerGate(config, deps);
    const router = agoraRouter(config, issuer, gate, deps);
    const docs = agoraDocs(config);
    if (!config.compatRoutes) return { router, docs };
    const compat = createCompat(config);
    return {
      router,
      rootRouter: agoraCompatRouter(config, compat, issuer, gate, deps),
      docs: [...docs, ...agoraCompatDocs(config)],
    };
  },
  cli: (host) => agoraCli(host, () => host.config(agoraProvider) as AgoraConfig | undefined),
  // require, not import(): loaded only by `npm run demo` (its caller IdP is oidc-provider, a dev
  // dependency), and this CommonJS build cannot import() an extension-less TypeScript path.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  demo: async () => (require('./demo') as typeof import('./demo')).startAgoraDemo(),
});
