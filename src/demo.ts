import { providerDefinitions } from '../providers';
import { createGateway } from './app';
import { coreVariables } from './config';
import type { DemoStandIn } from './provider';
import { closeOnSignals, listen } from './server';

/**
 * `npm run demo`: every provider that has a local stand-in, wired to it, on one gateway.
 * `.env` is deliberately not read, so the demo behaves the same on every machine; core
 * variables set in the environment (PORT, LOG_FORMAT, timeouts…) are honoured.
 */
async function main(): Promise<void> {
  const standIns: Array<{ id: string; standIn: DemoStandIn }> = [];
  for (const definition of providerDefinitions) {
    if (definition.demo) standIns.push({ id: definition.id, standIn: await definition.demo() });
  }
  const core = Object.fromEntries(coreVariables.map((name) => [name, process.env[name]]));
  const env: NodeJS.ProcessEnv = {
    ...core,
    HOST: process.env.HOST ?? '127.0.0.1',
    PORT: process.env.PORT ?? '3000',
    CORS_ORIGINS: process.env.CORS_ORIGINS ?? '*',
    PLAYGROUND: process.env.PLAYGROUND ?? 'true',
    ...Object.assign({}, ...standIns.map((s) => s.standIn.env)),
  };
  const gateway = await createGateway({ env, definitions: providerDefinitions });
  const running = await listen(gateway, gateway.config.HOST, gateway.config.PORT);
  const stopStandIns = () => Promise.allSettled(standIns.map((s) => s.standIn.close()));
  const closeGateway = running.close.bind(running);
  running.close = async (timeoutMs) => {
    await closeGateway(timeoutMs);
    await stopStandIns();
  };
  closeOnSignals(running, gateway);

  const lines = [
    '',
    `tokengate DEMO at ${running.url} — local stand-ins only; tokens will not work against real clouds.`,
    '',
  ];
  for (const provider of gateway.providers) {
    lines.push(`== ${provider.title} (${provider.id})`);
    for (const route of provider.routes)
      lines.push(`   ${route.methods.join('|').padEnd(10)} ${route.path}`);
    const standIn = standIns.find((s) => s.id === provider.id)?.standIn;
    lines.push(...(standIn?.banner(running.url) ?? []).map((line) => `   ${line}`), '');
  }
  if (gateway.config.PLAYGROUND) lines.push(`Playground: ${running.url}/`, '');
  lines.push(
    `Health: curl ${running.url}/readyz    Providers: curl ${running.url}/api/providers`,
    '',
  );
  console.log(lines.join('\n'));
}

main().catch((error: unknown) => {
  console.error(`demo cannot start: ${error instanceof Error ? error.message : error}`);
  process.exit(1);
});
