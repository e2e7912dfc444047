import { join } from 'node:path';
import { build } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildClient } from './support/browser-page';
import { call, startGateway, type TestGateway } from './support/gateway';
import { sampleProvider } from './support/sample-provider';

const env = { SAMPLE_SECRET: 'sample-secret-value' };

describe('the browser client and playground as the gateway serves them', () => {
  let plain: TestGateway;
  let withPlayground: TestGateway;

  beforeAll(async () => {
    buildClient();
    [plain, withPlayground] = await Promise.all([
      startGateway({ definitions: [sampleProvider()], env }),
      startGateway({ definitions: [sampleProvider()], env: { ...env, PLAYGROUND: 'true' } }),
    ]);
  });
  afterAll(async () => {
    await Promise.all([plain?.close(), withPlayground?.close()]);
  });

  it('serves /client.js on every gateway, as a browser module without Node built-ins', async () => {
    const served = await call(`${plain.url}/client.js`);
    expect(served.status).toBe(200);
    expect(served.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    expect(served.headers.get('x-content-type-options')).toBe('nosniff');
    expect(served.text).toMatch(/export\s*\{[^}]*createTokengate/);
    expect(served.text).not.toMatch(/\brequire\(|from\s*["']node:|\bBuffer\b|\bprocess\./);
  });

  it('has no playground unless PLAYGROUND=true', async () => {
    for (const path of ['/', '/playground/playground.js', '/playground/playground.css']) {
      const answer = await call(`${plain.url}${path}`);
      expect(answer.status).toBe(404);
      expect(answer.body.error.code).toBe('not_found');
    }
  });

  it('serves the playground page, script and style with PLAYGROUND=true', async () => {
    const page = await call(`${withPlayground.url}/`);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(page.headers.get('content-security-policy')).toMatch(/default-src 'self'/);
    expect(page.text).toContain('<script type="module" src="/playground/playground.js">');
    const script = await call(`${withPlayground.url}/playground/playground.js`);
    expect(script.text).toMatch(/from\s*["']\/client\.js["']/);
    const style = await call(`${withPlayground.url}/playground/playground.css`);
    expect(style.headers.get('content-type')).toBe('text/css; charset=utf-8');
    const wrongMethod = await call(`${withPlayground.url}/client.js`, { method: 'POST' });
    expect(wrongMethod.status).toBe(405);
  });

  it('refuses a wrong PLAYGROUND value at boot', async () => {
    await expect(
      startGateway({ definitions: [sampleProvider()], env: { ...env, PLAYGROUND: 'yes' } }),
    ).rejects.toThrow(/PLAYGROUND: must be true or false/);
  });

  it('lets a bundler keep only what an app imports', async () => {
    const result = await build({
      stdin: {
        contents:
          "import { keepFresh } from './client/src/index.ts'; keepFresh(async () => ({ expiresIn: 60 }));",
        resolveDir: join(__dirname, '..'),
      },
      bundle: true,
      format: 'esm',
      platform: 'browser',
      write: false,
    });
    // esbuild heads each module it keeps with its path.
    const kept = result.outputFiles[0]!.text.match(/^\/\/ client\/src\/\S+$/gm);
    expect(kept).toEqual([
      '// client/src/errors.ts',
      '// client/src/retry.ts',
      '// client/src/keep-fresh.ts',
    ]);
  });
});
