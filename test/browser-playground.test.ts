import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeInChromium, launchChromium, screenshotDir, type Browser } from './support/browser';
import { buildClient, recordTraffic, type Traffic } from './support/browser-page';
import { startDemoProcess, type DemoProcess } from './support/demo-process';

describeInChromium('the playground in Chromium, on npm run demo', () => {
  let demo: DemoProcess;
  let browser: Browser;
  let page: Page;
  let traffic: Traffic;
  const pageErrors: string[] = [];

  const shoot = (name: string, selector: string) =>
    page.locator(selector).screenshot({ path: join(screenshotDir, `playground-${name}.png`) });

  beforeAll(async () => {
    buildClient();
    mkdirSync(screenshotDir, { recursive: true });
    [demo, browser] = await Promise.all([startDemoProcess(), launchChromium()]);
    page = await browser.context.newPage();
    traffic = recordTraffic(page);
    page.on('pageerror', (error) => pageErrors.push(error.message));
    // Chromium logs every 4xx answer; the tests ask for some on purpose.
    page.on('console', (message) => {
      const text = message.text();
      if (message.type() === 'error' && !/status of 4\d\d/.test(text)) pageErrors.push(text);
    });
    await page.goto(`${demo.url}/`);
    await page.getByRole('heading', { name: 'tokengate playground' }).waitFor();
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await demo?.close();
  });

  it('labels every control and shows the sections of the running providers', async () => {
    const unlabelled = await page.$$eval('input, select, textarea', (controls) =>
      controls
        .filter((c) => !(c as any).labels?.length && !c.getAttribute('aria-label'))
        .map((c) => c.id || c.outerHTML),
    );
    expect(unlabelled).toEqual([]);
    for (const name of [
      'Agora: mint a token',
      'Agora: diagnose a token',
      'Textile: identity challenge',
      'Kinto: session flow',
    ]) {
      await expect(page.getByRole('heading', { name }).isVisible()).resolves.toBe(true);
    }
  });

  it('mints each token kind into a card with a live expiry countdown', async () => {
    const result = page.locator('#mint-result');
    for (const kind of ['rtm', 'rte', 'chat', 'convoai', 'rtc']) {
      await page.getByLabel('Token kind').selectOption(kind);
      await page.getByRole('button', { name: 'Mint token' }).click();
      await result.getByRole('heading', { name: `${kind.toUpperCase()} token` }).waitFor();
      await expect(result.locator('.badge.good').textContent()).resolves.toBe('signature valid');
    }
    const countdown = result.locator('.card dd .countdown').first();
    const before = await countdown.textContent();
    expect(before).toMatch(/^9m 5\ds left$/);
    await expect.poll(() => countdown.textContent(), { timeout: 3_000 }).not.toBe(before);
    await expect(result.locator('.service h4').first().textContent()).resolves.toMatch(
      /^RTC channel "demo", user 42/,
    );
    await shoot('agora-mint', '#agora');
  });

  it('is driven by the keyboard, and marks the field the gateway rejects', async () => {
    await page.getByLabel('Token kind').selectOption('rtc');
    const channel = page.locator('#mint-channel');
    await channel.fill('');
    await channel.focus();
    await page.keyboard.press('Enter');
    const failure = page.locator('#mint-result [role=alert]');
    await failure.waitFor();
    await expect(failure.textContent()).resolves.toMatch(
      /invalid_request \(400\).*Field: channel.*Request id/,
    );
    await expect(channel.getAttribute('aria-invalid')).resolves.toBe('true');
    await expect(
      channel.evaluate((el) => el === (globalThis as any).document.activeElement),
    ).resolves.toBe(true);
    await shoot('agora-error', '#agora');
    await channel.fill('demo');
    for (let i = 0; i < 12; i += 1) {
      await page.keyboard.press('Tab');
      const focused = await page.evaluate(
        () => (globalThis as any).document.activeElement?.textContent,
      );
      if (focused === 'Mint token') break;
    }
    await page.keyboard.press('Enter');
    await page.locator('#mint-result').getByRole('heading', { name: 'RTC token' }).waitFor();
  });

  it('diagnoses a pasted token', async () => {
    await page.getByLabel('Token kind').selectOption('rtm');
    await page.getByRole('button', { name: 'Mint token' }).click();
    await page.locator('#mint-result').getByRole('heading', { name: 'RTM token' }).waitFor();
    const token = await page.locator('#minted-token').inputValue();
    await page.locator('#diagnose-token').fill(token);
    await page.getByLabel('Used for').selectOption('rtm');
    await page.locator('#diagnose-uid').fill('42');
    await page.getByRole('button', { name: 'Diagnose', exact: true }).click();
    const result = page.locator('#diagnose-result');
    await result.getByText('Agora would accept this token.').waitFor();
    await page.getByLabel('Used for').selectOption('rtc');
    await page.locator('#diagnose-channel').fill('demo');
    await page.getByRole('button', { name: 'Diagnose', exact: true }).click();
    await result.getByText('Agora would refuse this token.').waitFor();
    await expect(result.locator('.findings code').allTextContents()).resolves.toContain(
      'service_missing',
    );
    await shoot('agora-diagnose', '#diagnose');
  });

  it('runs the Textile challenge with an identity generated in the page', async () => {
    await page.getByRole('button', { name: 'Generate an identity' }).click();
    const publicKey = await page.getByTestId('public-key').textContent();
    expect(publicKey).toMatch(/^bbaarei[a-z2-7]{52}$/);
    const result = page.locator('#textile-result');
    for (const via of ['HTTP (two calls)', 'a WebSocket']) {
      await page.getByLabel(via).check();
      await page.getByRole('button', { name: 'Get a user token' }).click();
      await result.getByText('The hub verified the signature').waitFor();
      await expect(result.locator('.steps li').count()).resolves.toBe(3);
    }
    const sent = await traffic.requests();
    expect(sent.some((r) => r.body?.includes(publicKey!))).toBe(true);
    expect(sent.every((r) => !r.body?.includes('bbaareq'))).toBe(true);
    await shoot('textile', '#textile');
  });

  it('walks the Kinto session flow', async () => {
    const callButton = page.getByRole('button', { name: 'Send' });
    await expect(callButton.isDisabled()).resolves.toBe(true);
    await page.getByLabel('Client id').fill('demo-app');
    await page.getByLabel('Client secret').fill(demo.shown('clientSecret'));
    await page.getByRole('button', { name: 'Sign in' }).click();
    const session = page.locator('#kinto-session');
    await session.getByText('No session fields yet').waitFor();
    await expect(page.getByLabel('Client secret').inputValue()).resolves.toBe('');
    await callButton.click();
    const result = page.locator('#kinto-result');
    await result.getByText('POST /auth/login').waitFor();
    await session.getByRole('cell', { name: 'ada' }).waitFor();
    await page.getByLabel('Method').selectOption('GET');
    await page.getByLabel('Service').fill('articles');
    await page.getByLabel('Path').fill('/articles');
    await callButton.click();
    await result.getByText('GET /articles/articles').waitFor();
    await expect(result.locator('pre').textContent()).resolves.toContain('"username": "ada"');
    await shoot('kinto', '#kinto');
    await page.getByRole('button', { name: 'Log out' }).click();
    await session.getByText('Logged out').waitFor();
    await expect(callButton.isDisabled()).resolves.toBe(true);
  });

  it('loads nothing from another origin and logs no errors', async () => {
    await page.screenshot({ path: join(screenshotDir, 'playground-full.png'), fullPage: true });
    const origins = new Set((await traffic.requests()).map((r) => new URL(r.url).origin));
    expect([...origins]).toEqual([demo.url]);
    expect(pageErrors).toEqual([]);
  });
});
