import { providerDefinitions } from '../../providers';
import { startBentleyIdps, type BentleyIdps } from '../../standins/bentley/idps';
import { startHubEmulator, type HubEmulator } from '../../standins/textile/hub-emulator';
import { agoraEnv } from './agora-fixtures';
import { startGateway, type TestGateway } from './gateway';
import { clientEntry, defaultClient, removeConfig, writeConfig } from './kinto-fixture';
import { startEchoUpstream } from './kinto-upstreams';

/** The settings of all four providers on their stand-ins. */
export const standInsEnv = (
  hub: Pick<HubEmulator, 'apiKey' | 'apiSecret' | 'url'>,
  idps: Pick<BentleyIdps, 'env'>,
  kintoConfig: string,
): Record<string, string> => ({
  ...agoraEnv,
  ...idps.env,
  TEXTILE_USER_API_KEY: hub.apiKey,
  TEXTILE_USER_API_SECRET: hub.apiSecret,
  TEXTILE_HUB_URL: hub.url,
  KINTO_CONFIG: kintoConfig,
});

/** A gateway running all four providers on their local stand-ins, as `npm run demo` does. */
export async function startAllProviders(env: Record<string, string> = {}): Promise<TestGateway> {
  const [hub, idps, echo] = await Promise.all([
    startHubEmulator(),
    startBentleyIdps(),
    startEchoUpstream(),
  ]);
  const kintoConfig = writeConfig({
    clients: [await clientEntry(defaultClient)],
    services: [{ name: 'echo', upstream: echo.url }],
  });
  const gw = await startGateway({
    definitions: providerDefinitions,
    env: { ...standInsEnv(hub, idps, kintoConfig), ...env },
  }).finally(() => removeConfig(kintoConfig));
  return {
    ...gw,
    async close() {
      await gw.close();
      await Promise.all([hub.close(), idps.close(), echo.close()]);
    },
  };
}
