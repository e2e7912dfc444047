import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AccessToken } from 'agora-token/src/AccessToken';
import { AccessToken2 } from 'agora-token/src/AccessToken2';
import { agoraProvider } from '../../providers/agora';
import { startGateway, type TestGateway } from './gateway';

/** Test credentials: fixed, 32 hex characters each, recognisable in logs. */
export const appId = '970ca35de60c44645bbae8a215061b33';
export const appCertificate = '5cfd2fd1755d40ecb72977518be15d3b';
export const adminKey = 'test-admin-key-0123456789abcdef';
/** The certificate being rotated to (or from): accepted by inspect, never used to mint. */
export const secondaryCertificate = '0a1b2c3d4e5f60718293a4b5c6d7e8f9';

export const agoraEnv = {
  AGORA_APP_ID: appId,
  AGORA_APP_CERTIFICATE: appCertificate,
  AGORA_ADMIN_KEY: adminKey,
};

/** A fixed clock, so `expiresAt` is exact. */
export const now = Date.parse('2030-01-01T00:00:00.000Z');
export const at = (seconds: number) => new Date(now + seconds * 1000).toISOString();

export const startAgora = (env: Record<string, string> = {}): Promise<TestGateway> =>
  startGateway({
    definitions: [agoraProvider],
    env: { ...agoraEnv, ...env },
    clock: { now: () => now },
  });

/** A service of a token decoded by agora-token's own parser. */
export interface DecodedService {
  type: number;
  channel?: string;
  uid?: string;
  user?: string;
  privileges: Record<string, number>;
}

/** Parses with agora-token and verifies the signature with the test certificate. */
export function decode(token: string, certificate = appCertificate) {
  const parsed = new AccessToken2();
  if (!parsed.from_string(token)) throw new Error('agora-token cannot parse the token');
  const fields = (s: object) => s as Record<string, Buffer | string | undefined>;
  return {
    appId: parsed.appId.toString(),
    expire: parsed.expire,
    verified: parsed.verifySignature(certificate),
    services: parsed.services.map((s): DecodedService => ({
      type: s.service_type(),
      channel: fields(s).__channel_name?.toString(),
      uid: fields(s).__uid?.toString(),
      user: fields(s).__user_id?.toString(),
      privileges: { ...s.__privileges },
    })),
  };
}

/** RTC privilege ids: join, publish audio, video, data. */
export const publisherPrivileges = (expiry: number) => ({
  1: expiry,
  2: expiry,
  3: expiry,
  4: expiry,
});
export const subscriberPrivileges = (expiry: number) => ({ 1: expiry });

/**
 * A legacy 006 token built by agora-token's own 006 builder: `privileges` maps privilege ids
 * (1–4 RTC, 1000 RTM login) to Unix expiry times.
 */
export function build006(
  channel: string,
  uid: string | number,
  privileges: Record<number, number>,
  { certificate = appCertificate, app = appId } = {},
) {
  const builder = new AccessToken(app, certificate, channel, uid);
  for (const [id, expiry] of Object.entries(privileges)) builder.addPriviledge(Number(id), expiry);
  const token = builder.build();
  const parsed = new AccessToken();
  if (!parsed.fromString(token)) throw new Error('agora-token cannot parse its own 006 token');
  return { token, parsed };
}

const policyDirs: string[] = [];

/** Writes an AGORA_POLICY document to a fresh temporary file; see {@link removePolicies}. */
export function writePolicy(document: unknown): string {
  const dir = mkdtempSync(join(tmpdir(), 'agora-policy-'));
  policyDirs.push(dir);
  const path = join(dir, 'policy.json');
  writeFileSync(path, typeof document === 'string' ? document : JSON.stringify(document));
  return path;
}

/** Deletes every file {@link writePolicy} wrote. */
export function removePolicies(): void {
  for (const dir of policyDirs.splice(0)) rmSync(dir, { recursive: true, force: true });
}
