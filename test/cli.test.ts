import { afterAll, describe, expect, it } from 'vitest';
import { parseSecretHash, verifySecret, type SecretHash } from '../providers/kinto/secret-hash';
import { runCli } from '../src/cli/program';
import { agoraEnv, appCertificate, decode } from './support/agora-fixtures';
import { removeConfigs, writeConfig } from './support/kinto-fixture';

/** Runs `tokengate <args>` in this process; resolves with its exit code and output. */
async function cli(args: string[], env: NodeJS.ProcessEnv = {}, stdin = '') {
  let stdout = '';
  let stderr = '';
  const code = await runCli(args, {
    env,
    io: { stdout: (t) => (stdout += t), stderr: (t) => (stderr += t), stdin: async () => stdin },
  });
  return { code, stdout, stderr };
}

afterAll(() => removeConfigs());

describe('the tokengate CLI', () => {
  it('has --help on every command', async () => {
    const top = await cli(['--help']);
    expect(top.code).toBe(0);
    for (const name of ['check-config', 'inspect', 'diagnose', 'mint', 'kinto']) {
      expect(top.stdout).toContain(name);
    }
    for (const command of [
      ['inspect'],
      ['diagnose'],
      ['mint', 'agora'],
      ['kinto', 'hash-secret'],
      ['check-config'],
    ]) {
      const help = await cli([...command, '--help']);
      expect(help.code, command.join(' ')).toBe(0);
      expect(help.stdout).toMatch(/^Usage: tokengate /);
    }
  });

  it('checks the configuration as the boot does, listing every problem', async () => {
    const valid = await cli(['check-config'], agoraEnv);
    expect(valid.code).toBe(0);
    expect(valid.stdout).toContain('configuration is valid: agora enabled');
    const json = JSON.parse((await cli(['--json', 'check-config'], agoraEnv)).stdout);
    expect(json).toMatchObject({ valid: true, enabled: ['agora'] });
    const broken = writeConfig({
      clients: [],
      services: [{ name: 'Bad Name', upstream: 'ftp://x' }],
    });
    const invalid = await cli(['check-config'], {
      AGORA_APP_ID: 'zz',
      AGORA_APP_CERTIFICATE: appCertificate,
      KINTO_CONFIG: broken,
      PORT: 'eighty',
    });
    expect(invalid.code).toBe(1);
    expect(invalid.stderr).toContain('PORT: must be a port number');
    expect(invalid.stderr).toContain('agora: AGORA_APP_ID: must be 32 hexadecimal characters');
    expect(invalid.stderr).toMatch(/kinto: KINTO_CONFIG: services\[0\]\.name/);
    expect(invalid.stderr).not.toContain(appCertificate);
    expect((await cli(['check-config'])).code).toBe(1);
  });

  it('mints with .env credentials, through the same issuer as the routes', async () => {
    const minted = await cli(
      ['mint', 'agora', 'rtc', '--channel', 'demo', '--uid', '42'],
      agoraEnv,
    );
    expect(minted.code).toBe(0);
    const decoded = decode(minted.stdout.trim());
    expect(decoded.verified).toBe(true);
    expect(decoded.services[0]).toMatchObject({ type: 1, channel: 'demo', uid: '42' });
    const answer = JSON.parse(
      (await cli(['--json', 'mint', 'agora', 'rtm', '--uid', 'ann'], agoraEnv)).stdout,
    );
    expect(answer).toMatchObject({ type: 'rtm', uid: 'ann', expiresIn: 3600 });
    const bad = await cli(['mint', 'agora', 'rtc', '--uid', '42'], agoraEnv);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain('channel is required (channel)');
    expect((await cli(['mint', 'agora', 'rtc', '--channel', 'c', '--uid', '1'])).code).toBe(1);
  });

  it('inspects and diagnoses tokens like the routes', async () => {
    const token = (
      await cli(['mint', 'agora', 'rtc', '--channel', 'demo', '--uid', '42'], agoraEnv)
    ).stdout.trim();
    const inspected = await cli(['inspect', token], agoraEnv);
    expect(inspected.code).toBe(0);
    expect(inspected.stdout).toContain('signature valid');
    expect(inspected.stdout).toContain('joinChannel until');
    const other = await cli(['--json', 'inspect', token, '--certificate', 'f'.repeat(32)]);
    expect(JSON.parse(other.stdout).signature).toBe('invalid');
    const malformed = await cli(['inspect', 'nonsense'], agoraEnv);
    expect(malformed.code).toBe(1);
    expect(malformed.stderr).toMatch(/not an Agora 006 or 007 token \(token\)/);
    const diagnosed = await cli(['diagnose', token, '--service', 'rtm', '--uid', '42'], agoraEnv);
    expect(diagnosed.code).toBe(2);
    expect(diagnosed.stdout).toContain('service_missing');
    const fine = await cli(
      ['--json', 'diagnose', token, '--service', 'rtc', '--channel', 'demo', '--uid', '42'],
      agoraEnv,
    );
    expect(fine.code).toBe(0);
    expect(JSON.parse(fine.stdout).ok).toBe(true);
  });

  it('hashes a Kinto client secret read from stdin', async () => {
    const secret = 'a-client-secret-of-some-length';
    const hashed = await cli(['kinto', 'hash-secret'], {}, `${secret}\n`);
    expect(hashed.code).toBe(0);
    const stored = parseSecretHash(hashed.stdout.trim()) as SecretHash;
    expect(await verifySecret(secret, stored)).toBe(true);
    expect(hashed.stdout).not.toContain(secret);
    const short = await cli(['kinto', 'hash-secret'], {}, 'short\n');
    expect(short.code).toBe(1);
    expect(short.stderr).toContain('at least 16 characters');
  });
});
