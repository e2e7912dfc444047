import { writeFileSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { kintoProvider } from '../providers/kinto';
import { parseKintoConfig } from '../providers/kinto/config-file';
import { createClientCheck } from '../providers/kinto/credentials';
import {
  hashSecret,
  parseSecretHash,
  verifySecret,
  type SecretHash,
} from '../providers/kinto/secret-hash';
import { createGateway } from '../src/app';
import { BootError } from '../src/errors';
import {
  clientEntry,
  defaultClient,
  removeConfigs,
  testScrypt,
  writeConfig,
} from './support/kinto-fixture';

const upstream = 'http://127.0.0.1:9';

afterAll(removeConfigs);

const problemsOf = (document: unknown) => {
  const result = parseKintoConfig(document);
  return result.ok ? [] : result.problems;
};

async function bootProblems(env: NodeJS.ProcessEnv): Promise<string[]> {
  try {
    await createGateway({ env, definitions: [kintoProvider], writeLog: () => {} });
  } catch (error) {
    if (error instanceof BootError) return error.problems;
    throw error;
  }
  throw new Error('the gateway booted');
}

describe('KINTO_CONFIG', () => {
  it('names the bad entry of the file at boot', async () => {
    const path = writeConfig({
      clients: [await clientEntry(defaultClient)],
      services: [
        { name: 'auth', upstream, writes: ['auth-userId'] },
        { name: 'news', upstream },
        { name: 'articles', upstream, writes: ['x-foo'], reads: { 'auth-userId': 'required' } },
      ],
    });
    expect(await bootProblems({ KINTO_CONFIG: path })).toEqual([
      'kinto: KINTO_CONFIG: services[2].writes[0]: "x-foo" must start with "articles-"',
    ]);
  });

  it('lists every problem of the file', () => {
    const hash = 'scrypt$1024$8$1$c2FsdHNhbHRzYWx0$aGFzaGhhc2hoYXNoaGFzaGhhc2g';
    expect(
      problemsOf({
        clients: [
          { clientId: 'a', secretHash: hash },
          { clientId: 'a', secretHash: hash },
          { clientId: 'b c', secretHash: 'plain-text' },
        ],
        services: [
          { name: 'auth', upstream, writes: ['auth-userId', 'AUTH-USERID', 'auth-'] },
          { name: 'content', upstream, writes: ['content-length'] },
          { name: 'articles', upstream, reads: { 'auth-id': 'required', 'auth-userId': 'maybe' } },
          { name: 'auth', upstream: 'ftp://x', pubic: true },
        ],
      }),
    ).toEqual([
      'clients[2].clientId: must be 1-128 letters, digits, ".", "_", "~" or "-"',
      'clients[2].secretHash: must be a scrypt hash "scrypt$N$r$p$salt$hash" (see tokengate kinto hash-secret)',
      'services[2].reads["auth-userId"]: must be "required" or "optional"',
      'services[3].upstream: must be an http(s) URL without query or fragment',
      'services[3]: Unrecognized key: "pubic"',
    ]);
    expect(
      problemsOf({
        clients: [
          { clientId: 'a', secretHash: hash },
          { clientId: 'a', secretHash: hash },
        ],
        services: [
          { name: 'auth', upstream, writes: ['auth-userId', 'AUTH-USERID', 'auth-'] },
          { name: 'content', upstream, writes: ['content-length'] },
          { name: 'articles', upstream, reads: { 'auth-id': 'required' } },
          { name: 'auth', upstream },
        ],
      }),
    ).toEqual([
      'clients[1].clientId: "a" is already used by clients[0]',
      'services[0].writes[1]: "AUTH-USERID" is declared twice',
      'services[0].writes[2]: "auth-" must start with "auth-"',
      'services[1].writes[0]: "content-length" is a reserved header name',
      'services[3].name: "auth" is already used by services[0]',
      'services[2].reads["auth-id"]: no service writes "auth-id"',
    ]);
  });

  it('names the variables at boot', async () => {
    expect(await bootProblems({ PROVIDERS: 'kinto' })).toEqual([
      'kinto: named in PROVIDERS but not configured; set KINTO_CONFIG',
    ]);
    const problems = await bootProblems({
      KINTO_CONFIG: '/nonexistent/kinto.json',
      KINTO_SESSION_TTL: 'soon',
      KINTO_MAX_BODY: '-1',
    });
    expect(problems).toEqual([
      'kinto: KINTO_CONFIG: cannot read /nonexistent/kinto.json (ENOENT)',
      'kinto: KINTO_SESSION_TTL: must be a whole number of seconds',
      'kinto: KINTO_MAX_BODY: must be a number of bytes',
    ]);
    const valid = writeConfig({ clients: [], services: [] });
    expect(await bootProblems({ KINTO_CONFIG: valid, KINTO_SESSION_TTL: '1e13' })).toEqual([
      'kinto: KINTO_SESSION_TTL: must be at most 31536000 seconds (365 days)',
    ]);
    const broken = writeConfig({});
    writeFileSync(broken, '{"clients": [');
    expect(await bootProblems({ KINTO_CONFIG: broken })).toEqual([
      `kinto: KINTO_CONFIG: ${broken} is not valid JSON`,
    ]);
    expect(await bootProblems({ KINTO_CONFIG: writeConfig([]) })).toEqual([
      expect.stringMatching(/^kinto: KINTO_CONFIG: \(file\): /),
    ]);
  });
});

describe('client secrets', () => {
  it('are stored as self-describing scrypt hashes and checked against them', async () => {
    const text = await hashSecret('s3cret-s3cret-s3cret', testScrypt);
    expect(text).toMatch(/^scrypt\$1024\$8\$1\$[A-Za-z0-9_-]+\$[A-Za-z0-9_-]+$/);
    const parsed = parseSecretHash(text) as SecretHash;
    expect(await verifySecret('s3cret-s3cret-s3cret', parsed)).toBe(true);
    expect(await verifySecret('s3cret-s3cret-s3creT', parsed)).toBe(false);
    expect(parseSecretHash('scrypt$1000$8$1$c2FsdHNhbHQ$aGFzaA')).toContain('power of two');
  });

  it('run scrypt for an unknown client id as for a known one', async () => {
    const entry = await clientEntry(defaultClient);
    const client = {
      clientId: entry.clientId,
      secret: parseSecretHash(entry.secretHash) as SecretHash,
    };
    const checked: SecretHash[] = [];
    const check = await createClientCheck(
      new Map([[client.clientId, client]]),
      (secret, stored) => {
        checked.push(stored);
        return verifySecret(secret, stored);
      },
    );
    expect(await check('web-app', defaultClient.clientSecret)).toBe(client);
    expect(await check('web-app', 'wrong')).toBeUndefined();
    expect(await check('nobody', defaultClient.clientSecret)).toBeUndefined();
    expect(checked).toHaveLength(3);
    expect(checked[2]).not.toBe(client.secret);
    expect(checked[2]).toMatchObject({ N: 1024, r: 8, p: 1 });
    expect(checked[2]!.hash).toHaveLength(client.secret.hash.length);
  });
});
