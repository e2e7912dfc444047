import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext } from 'playwright-core';
import { describe, it } from 'vitest';

/** Chromium: `CHROMIUM_PATH`, Debian's package, or a browser playwright installed itself. */
function findChromium(): string | undefined {
  const candidates = [
    process.env.CHROMIUM_PATH,
    '/usr/bin/chromium',
    '/usr/bin/chromium-browser',
    chromium.executablePath(),
  ];
  return candidates.find((path): path is string => !!path && existsSync(path));
}

export const chromiumPath = findChromium();

const missing = 'Chromium not found: install it (apt-get install chromium) or set CHROMIUM_PATH';

/**
 * A suite that needs Chromium: skipped with a message where it is missing, failed under
 * `CI=true`, where .ci/run installs it.
 */
export function describeInChromium(name: string, suite: () => void): void {
  if (chromiumPath) {
    describe(name, suite);
  } else if (process.env.CI === 'true') {
    describe(name, () => {
      it('has Chromium', () => {
        throw new Error(missing);
      });
    });
  } else {
    console.warn(`skipping "${name}": ${missing}`);
    describe.skip(name, suite);
  }
}

/** A headless Chromium with a fresh profile, removed on close. */
export interface Browser {
  context: BrowserContext;
  close(): Promise<void>;
}

export async function launchChromium(): Promise<Browser> {
  const profile = mkdtempSync(join(tmpdir(), 'tokengate-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: chromiumPath,
    headless: true,
    viewport: { width: 1100, height: 900 },
    args: [
      '--headless=new',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
  return {
    context,
    async close() {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}

/** Where screenshots go (gitignored). */
export const screenshotDir = join(__dirname, '..', '..', '.scratch', 'screenshots');
