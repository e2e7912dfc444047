import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/** `npm run demo` as a child process, with everything it printed. */
export interface DemoProcess {
  url: string;
  child: ChildProcess;
  /** Every line printed after the banner (the JSON log lines with LOG_FORMAT=json). */
  logs: string[];
  /** The banner, which shows the demo's generated credentials on purpose. */
  banner: string;
  /** `name=value` pairs the banner shows (AGORA_APP_CERTIFICATE, clientSecret…). */
  shown(name: string): string;
  /** Resident memory in bytes, from /proc. */
  rss(): number;
  /** Whether the process is still running. */
  alive(): boolean;
  close(): Promise<void>;
}

const root = join(__dirname, '..', '..');

export async function startDemoProcess(env: Record<string, string> = {}): Promise<DemoProcess> {
  const child = spawn(process.execPath, ['-r', 'ts-node/register', 'src/demo.ts'], {
    cwd: root,
    env: { ...process.env, PORT: '0', HOST: '127.0.0.1', LOG_FORMAT: 'json', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const lines: string[] = [];
  let exited = false;
  child.on('exit', () => (exited = true));
  const collect = (chunk: Buffer) => lines.push(...chunk.toString('utf8').split('\n'));
  child.stdout!.on('data', collect);
  child.stderr!.on('data', collect);
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`demo did not start:\n${lines.join('\n')}`)),
      30_000,
    );
    const poll = setInterval(() => {
      const found = lines.map((l) => /tokengate DEMO at (http:\/\/\S+)/.exec(l)?.[1]).find(Boolean);
      if (found && lines.some((l) => l.startsWith('Health:'))) {
        clearInterval(poll);
        clearTimeout(timer);
        resolve(found);
      }
      if (exited) {
        clearInterval(poll);
        clearTimeout(timer);
        reject(new Error(`demo exited:\n${lines.join('\n')}`));
      }
    }, 50);
  });
  // Everything but the banner counts as a log line: boot lines before it too.
  const start = lines.findIndex((l) => l.includes('tokengate DEMO at'));
  const end = lines.findIndex((l) => l.startsWith('Health:'));
  const banner = lines.splice(start, end - start + 1).join('\n');
  const logs = lines;
  return {
    url,
    child,
    logs,
    banner,
    shown(name) {
      const value = new RegExp(`${name}=([^\\s'"]+)`).exec(banner)?.[1];
      if (!value) throw new Error(`the banner shows no ${name}`);
      return value;
    },
    rss() {
      const status = readFileSync(`/proc/${child.pid}/status`, 'utf8');
      return Number(/VmRSS:\s+(\d+) kB/.exec(status)?.[1] ?? 0) * 1024;
    },
    alive: () => !exited,
    async close() {
      if (exited) return;
      const gone = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      await gone;
    },
  };
}
