import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { forgetDocument } from './documented-answers';

/** `npx ts-node src/index.ts` as a child process: a gateway a test can kill outright. */
export interface GatewayProcess {
  url: string;
  child: ChildProcess;
  lines: string[];
  /** SIGKILL: no shutdown, no cleanup, as when a machine dies. */
  kill(): Promise<void>;
}

export async function startGatewayProcess(env: Record<string, string>): Promise<GatewayProcess> {
  const child = spawn(process.execPath, ['-r', 'ts-node/register/transpile-only', 'src/index.ts'], {
    cwd: join(__dirname, '..', '..'),
    env: { PATH: process.env.PATH, HOST: '127.0.0.1', PORT: '0', LOG_FORMAT: 'json', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const lines: string[] = [];
  const collect = (chunk: Buffer) => lines.push(...chunk.toString('utf8').split('\n'));
  child.stdout!.on('data', collect);
  child.stderr!.on('data', collect);
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no gateway:\n${lines.join('\n')}`)), 30_000);
    const poll = setInterval(() => {
      const found = lines.map((l) => /"url":"(http:[^"]+)"/.exec(l)?.[1]).find(Boolean);
      if (found || child.exitCode !== null) {
        clearInterval(poll);
        clearTimeout(timer);
        if (found) resolve(found);
        else reject(new Error(`gateway exited:\n${lines.join('\n')}`));
      }
    }, 50);
  });
  // A gateway that listened on this port before may have had another document.
  forgetDocument(url);
  return {
    url,
    child,
    lines,
    async kill() {
      if (child.exitCode !== null) return;
      const gone = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGKILL');
      await gone;
    },
  };
}
