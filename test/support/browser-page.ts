import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { build } from 'esbuild';
import type { BrowserContext, Page } from 'playwright-core';

const root = join(__dirname, '..', '..');

/** Builds client/dist as `npm run build:client` does (without the type declarations). */
export function buildClient(): void {
  execFileSync(process.execPath, [join(root, 'client', 'build.mjs')], { stdio: 'inherit' });
}

/** A request the page made, as it went out. */
export interface SentRequest {
  method: string;
  url: string;
  headers: Record<string, string>;
  body: string | null;
}

/** What a page sent: its requests and its WebSocket frames. */
export interface Traffic {
  requests(): Promise<SentRequest[]>;
  frames: string[];
}

/** Records every request and WebSocket frame `page` sends from now on. */
export function recordTraffic(page: Page): Traffic {
  const pending: Array<Promise<SentRequest>> = [];
  const frames: string[] = [];
  page.on('request', (request) =>
    pending.push(
      request.allHeaders().then((headers) => ({
        method: request.method(),
        url: request.url(),
        headers,
        body: request.postData(),
      })),
    ),
  );
  page.on('websocket', (socket) =>
    socket.on('framesent', ({ payload }) => frames.push(String(payload))),
  );
  return { requests: () => Promise.all(pending), frames };
}

/** `@textile/crypto`'s PrivateKey for the browser: the identity a real app would hold. */
const identityModule = () =>
  build({
    stdin: { contents: "export { PrivateKey } from '@textile/crypto';", resolveDir: root },
    bundle: true,
    format: 'esm',
    platform: 'browser',
    write: false,
    logLevel: 'silent',
  }).then((result) => result.outputFiles[0]!.text);

/**
 * A page on the gateway's origin that has imported the served `/client.js` as
 * `globalThis.tokengate` and a Textile `PrivateKey` as `globalThis.PrivateKey`. The document is
 * the gateway's own `/healthz`: Chromium's local network checks block WebSockets from a
 * document that did not come from the network.
 */
export async function openClientPage(context: BrowserContext, gatewayUrl: string) {
  const identity = await identityModule();
  const identityUrl = `${gatewayUrl}/__harness/identity.js`;
  await context.route(identityUrl, (route) =>
    route.fulfill({ contentType: 'text/javascript', body: identity }),
  );
  const page = await context.newPage();
  const traffic = recordTraffic(page);
  await page.goto(`${gatewayUrl}/healthz`);
  await page.addScriptTag({
    type: 'module',
    content: `import * as tokengate from '/client.js';
      import { PrivateKey } from '${identityUrl}';
      Object.assign(globalThis, { tokengate, PrivateKey, harnessReady: true });`,
  });
  await page.waitForFunction(() => (globalThis as any).harnessReady === true);
  return { page, traffic };
}
