import { defineProvider } from '../../src/provider';
import { createSessionStore } from '../../src/session-store';
import { kintoCli } from './cli';
import { createClientCheck } from './credentials';
import { kintoDocs } from './docs';
import { kintoConfigSchema } from './env';
import { kintoRoutes } from './routes';

/** Bound on the JSON size of one session's data. */
const maxSessionDataBytes = 8 * 1024;

/**
 * KintoHub-style sessions: client apps trade their id and secret for a session token, and
 * the gateway injects session fields into, and takes them from, the microservices it fronts.
 */
export const kintoProvider = defineProvider({
  id: 'kinto',
  title: 'KintoHub-style sessions',
  // The proxy carries applications' own traffic, not just token requests.
  rateLimit: '1200/m',
  env: { KINTO_CONFIG: [], KINTO_SESSION_TTL: [], KINTO_MAX_SESSIONS: [], KINTO_MAX_BODY: [] },
  configSchema: kintoConfigSchema,
  async create(config, deps) {
    const setup = config.KINTO_CONFIG;
    const sessions = createSessionStore(
      deps.store.open('sessions', { maxEntries: config.KINTO_MAX_SESSIONS }),
      {
        clock: deps.clock,
        ttlMs: config.KINTO_SESSION_TTL * 1000,
        maxDataBytes: maxSessionDataBytes,
      },
    );
    // Loaded here: undici takes a fifth of a second to load, for nothing when kinto is off.
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { Agent } = require('undici') as typeof import('undici');
    const dispatcher = new Agent({ connect: { timeout: 10_000 }, keepAliveTimeout: 4_000 });
    const router = kintoRoutes({
      setup,
      sessions,
      checkClient: await createClientCheck(setup.clients),
      dispatcher,
      maxBodyBytes: config.KINTO_MAX_BODY,
      deps,
    });
    deps.logger.info('kinto configured', {
      clients: setup.clients.size,
      services: [...setup.services.keys()].join(','),
    });
    return {
      router,
      docs: kintoDocs,
      async close() {
        // The server has drained by now; a call still waiting on a stalled upstream is dropped.
        await dispatcher.destroy();
      },
    };
  },
  cli: kintoCli,
  // require, not import(): this CommonJS build cannot import() an extension-less TypeScript path.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  demo: async () => (require('./demo') as typeof import('./demo')).startKintoDemo(),
});
