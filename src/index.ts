import 'dotenv/config';
import { providerDefinitions } from '../providers';
import { createGateway } from './app';
import { BootError } from './errors';
import { closeOnSignals, listen } from './server';

const production = process.env.NODE_ENV === 'production';

function nothingConfigured(): string {
  return [
    'No provider is configured, so there is nothing to serve.',
    'Set the variables of at least one provider in .env (see .env.example and the README),',
    'for example AGORA_APP_ID and AGORA_APP_CERTIFICATE, or try every provider with local',
    'stand-ins: npm run demo',
  ].join('\n');
}

async function main(): Promise<void> {
  const gateway = await createGateway({ env: process.env, definitions: providerDefinitions });
  if (gateway.providers.length === 0) {
    await gateway.close();
    console.error(nothingConfigured());
    process.exit(1);
  }
  const running = await listen(gateway, gateway.config.HOST, gateway.config.PORT);
  closeOnSignals(running, gateway);
  gateway.logger.info(production ? 'tokengate listening' : 'tokengate dev server listening', {
    url: running.url,
    providers: gateway.providers.map((p) => p.id).join(','),
  });
}

main().catch((error: unknown) => {
  if (error instanceof BootError) {
    console.error(`tokengate cannot start: ${error.message}`);
  } else {
    console.error(`tokengate cannot start: ${error instanceof Error ? error.message : error}`);
  }
  process.exit(1);
});
