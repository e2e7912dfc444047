import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { request as httpRequest, type IncomingHttpHeaders } from 'node:http';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { kintoProvider } from '../../providers/kinto';
import { hashSecret } from '../../providers/kinto/secret-hash';
import type { Clock } from '../../src/clock';
import { postJson, startGateway } from './gateway';

/** Cheap scrypt costs: the format is self-describing, so tests need not pay production's. */
export const testScrypt = { N: 1024, r: 8, p: 1 };

const configDirs = new Set<string>();

/** Writes `document` to a fresh temporary file and returns its path; see {@link removeConfigs}. */
export function writeConfig(document: unknown): string {
  const dir = mkdtempSync(join(tmpdir(), 'kinto-test-'));
  configDirs.add(dir);
  const path = join(dir, 'kinto.json');
  writeFileSync(path, JSON.stringify(document));
  return path;
}

/** Deletes the temporary file at `path` written by {@link writeConfig}, with its directory. */
export function removeConfig(path: string): void {
  const dir = dirname(path);
  if (configDirs.delete(dir)) rmSync(dir, { recursive: true, force: true });
}

/** Deletes every temporary file {@link writeConfig} has written and not yet removed. */
export function removeConfigs(): void {
  for (const dir of configDirs) rmSync(dir, { recursive: true, force: true });
  configDirs.clear();
}

/** A client of the test configs, with its secret in clear. */
export interface TestClient {
  clientId: string;
  clientSecret: string;
}

const cheapHash = (secret: string) => hashSecret(secret, testScrypt);

export async function clientEntry(client: TestClient, hash = cheapHash) {
  return { clientId: client.clientId, secretHash: await hash(client.clientSecret) };
}

/** A kinto gateway on an ephemeral port for `services`, with `client` registered. */
export async function startKinto(
  services: unknown[],
  options: {
    clients?: TestClient[];
    env?: NodeJS.ProcessEnv;
    clock?: Clock;
    /** How client secrets are hashed; cheap scrypt costs by default. */
    hashSecret?: (secret: string) => Promise<string>;
  } = {},
) {
  const clients = options.clients ?? [defaultClient];
  const path = writeConfig({
    clients: await Promise.all(clients.map((c) => clientEntry(c, options.hashSecret))),
    services,
  });
  // The config is read at boot: the file is not needed once the gateway runs (or failed to).
  const test = await startGateway({
    definitions: [kintoProvider],
    env: { KINTO_CONFIG: path, ...options.env },
    clock: options.clock,
  }).finally(() => removeConfig(path));
  const issued: string[] = [];
  /** A fresh session token of `client`. */
  const token = async (client = clients[0]!) => {
    const answer = await postJson(`${test.url}/api/kinto/token`, client);
    if (answer.status !== 200) throw new Error(`token: ${answer.status} ${answer.text}`);
    issued.push(answer.body.token);
    return answer.body.token as string;
  };
  return { ...test, token, issued, clients, api: `${test.url}/api/kinto` };
}

export const defaultClient: TestClient = {
  clientId: 'web-app',
  clientSecret: 'correct-horse-battery-staple',
};

/** The `Kinto-Authorization` header of `token`. */
export const bearer = (token: string) => ({ 'Kinto-Authorization': `Bearer ${token}` });

/** A request sent exactly as given: raw path, and a body as one piece or chunked. */
export function rawRequest(
  base: string,
  options: {
    method?: string;
    path: string;
    headers?: Record<string, string>;
    body?: Buffer;
    chunked?: boolean;
  },
): Promise<{ status: number; headers: IncomingHttpHeaders; text: string }> {
  const url = new URL(base);
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      {
        host: url.hostname,
        port: url.port,
        method: options.method ?? 'GET',
        path: options.path,
        headers: {
          ...(options.body && !options.chunked ? { 'content-length': options.body.length } : {}),
          ...options.headers,
        },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            headers: res.headers,
            text: Buffer.concat(chunks).toString('utf8'),
          }),
        );
      },
    );
    req.on('error', reject);
    if (options.body) req.write(options.body);
    req.end();
  });
}
