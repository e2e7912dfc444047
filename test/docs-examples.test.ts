import { execFile } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDemoProcess, type DemoProcess } from './support/demo-process';

/**
 * Every shell example of the docs that calls curl is marked: `<!-- example: demo -->` (run here
 * against `npm run demo`), `<!-- example: policy-demo -->` (against `DEMO_AGORA_POLICY=1 npm run
 * demo`), or `<!-- example: not run (why) -->`. The marked ones run in bash with `set -eo
 * pipefail`, with the demo's banner values exported (`AGORA_APP_ID`, `AGORA_APP_CERTIFICATE`,
 * `AGORA_ADMIN_KEY`, `KINTO_CLIENT_SECRET`, `CALLER_IDP`, `AGORA_CALLER_ISSUER`): each must exit
 * 0, print no curl error, and leave no 5xx answer in the demo's access log.
 */
const root = join(__dirname, '..');
const pages = ['README.md', ...readdirSync(join(root, 'docs')).map((p) => `docs/${p}`)];

interface Example {
  page: string;
  line: number;
  marker: string | undefined;
  script: string;
}

function examplesOf(page: string): Example[] {
  const lines = readFileSync(join(root, page), 'utf8').split('\n');
  const examples: Example[] = [];
  for (let i = 0; i < lines.length; i++) {
    if (lines[i]!.trim() !== '```sh') continue;
    const end = lines.findIndex((l, j) => j > i && l.trim() === '```');
    const script = lines.slice(i + 1, end).join('\n');
    let k = i - 1;
    while (k >= 0 && lines[k]!.trim() === '') k--;
    const marker = /^<!-- example: (.+?) -->$/.exec(lines[k]!.trim())?.[1];
    if (/\bcurl\b/.test(script)) examples.push({ page, line: i + 1, marker, script });
    i = end;
  }
  return examples;
}

const examples = pages.flatMap(examplesOf);

/** The access lines the demo logged from `index` on, up to a marker request of our own. */
async function accessLinesSince(demo: DemoProcess, index: number) {
  const marker = `docs-example-${index}-${Date.now()}`;
  await fetch(`${demo.url}/healthz`, { headers: { 'x-request-id': marker } });
  // The log is written asynchronously: once the marker's line is in, so is every earlier one.
  await expect.poll(() => demo.logs.some((l) => l.includes(marker)), { timeout: 5_000 }).toBe(true);
  return demo.logs
    .slice(index)
    .flatMap((l) => (l.startsWith('{') ? [JSON.parse(l) as { status?: number }] : []))
    .filter((l): l is { status: number } => typeof l.status === 'number');
}

describe('the docs examples', () => {
  const demos: Partial<Record<'demo' | 'policy-demo', DemoProcess>> = {};
  beforeAll(async () => {
    const [plain, policy] = await Promise.all([
      startDemoProcess(),
      startDemoProcess({ DEMO_AGORA_POLICY: '1' }),
    ]);
    demos.demo = plain;
    demos['policy-demo'] = policy;
  }, 90_000);
  afterAll(async () => {
    await Promise.all(Object.values(demos).map((d) => d?.close()));
  });

  it('are all marked', () => {
    expect(examples.length).toBeGreaterThan(15);
    const unmarked = examples.filter((e) => !e.marker).map((e) => `${e.page}:${e.line}`);
    expect(unmarked).toEqual([]);
  });

  const runnable = examples.filter((e) => e.marker === 'demo' || e.marker === 'policy-demo');
  it.each(runnable.map((e) => [`${e.page}:${e.line}`, e] as const))(
    '%s runs',
    async (_where, example) => {
      const demo = demos[example.marker as 'demo' | 'policy-demo']!;
      const script = example.script.replaceAll(/http:\/\/(127\.0\.0\.1|localhost):3000/g, demo.url);
      const env = {
        PATH: process.env.PATH,
        HOME: process.env.HOME,
        AGORA_APP_ID: demo.shown('AGORA_APP_ID'),
        AGORA_APP_CERTIFICATE: demo.shown('AGORA_APP_CERTIFICATE'),
        AGORA_ADMIN_KEY: demo.shown('AGORA_ADMIN_KEY'),
        KINTO_CLIENT_SECRET: demo.shown('clientSecret'),
        CALLER_IDP: /caller IdP (http:\/\/\S+)/.exec(demo.banner)?.[1] ?? '',
        AGORA_CALLER_ISSUER: /AGORA_CALLER_ISSUER=(http:\/\/[^\s,]+)/.exec(demo.banner)?.[1] ?? '',
      };
      const logged = demo.logs.length;
      const { stdout, stderr } = await promisify(execFile)(
        'bash',
        ['-c', `set -eo pipefail\n${script}`],
        {
          cwd: root,
          env,
          timeout: 30_000,
        },
      );
      expect(`${stdout}\n${stderr}`).not.toMatch(/curl: \(\d+\)/);
      const answered = await accessLinesSince(demo, logged);
      expect(answered.length).toBeGreaterThan(1); // the example's requests and the marker
      expect(answered.filter((l) => l.status >= 500)).toEqual([]);
    },
    40_000,
  );
});
