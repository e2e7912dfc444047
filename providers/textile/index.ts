import { defineProvider } from '../../src/provider';
import { hostedHubUrl, textileConfigSchema } from './config';
import { textileDocs } from './docs';
import { textileRoutes } from './routes';
import { createTextileService } from './service';
import { createTokenSocketServer } from './ws-handler';

/** Textile Hub user tokens: the tutorial's private-key flow, an HTTP challenge and a WebSocket. */
export const textileProvider = defineProvider({
  id: 'textile',
  title: 'Textile Hub',
  env: {
    TEXTILE_USER_API_KEY: ['USER_API_KEY'],
    TEXTILE_USER_API_SECRET: ['USER_API_SECRET'],
    TEXTILE_HUB_URL: [],
    TEXTILE_ALLOW_PRIVATE_KEY: [],
    TEXTILE_USERAUTH_TTL: [],
    TEXTILE_CHALLENGE_TTL: [],
    TEXTILE_MAX_PENDING: [],
    TEXTILE_HUB_TIMEOUT: [],
  },
  configSchema: textileConfigSchema,
  async create(config, deps) {
    if (config.TEXTILE_HUB_URL === hostedHubUrl) {
      deps.logger.warn(
        'TEXTILE_HUB_URL is the hosted hub, retired in January 2023; point it at a self-hosted hubd',
      );
    }
    const service = await createTextileService(config, deps);
    const sockets = createTokenSocketServer({
      service,
      logger: deps.logger,
      waitMs: config.TEXTILE_CHALLENGE_TTL * 1000,
    });
    return {
      router: textileRoutes(service),
      webSockets: { '/token/ws': sockets.upgrade },
      docs: textileDocs(config),
      async close() {
        await service.close();
        await sockets.close();
      },
    };
  },
  // require, not import(): this CommonJS build cannot import() an extension-less TypeScript path.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  demo: async () => (require('./demo') as typeof import('./demo')).startTextileDemo(),
});
