import { randomBytes } from 'node:crypto';
import type { KintoClient } from './config-file';
import {
  defaultScryptParams,
  hashSecret,
  parseSecretHash,
  verifySecret,
  type SecretHash,
} from './secret-hash';

/** Checks a client id and secret; resolves to the client, or undefined for any mismatch. */
export type CheckClient = (clientId: string, secret: string) => Promise<KintoClient | undefined>;

/**
 * An unknown client id is checked against a stand-in hash of the same cost as a real one, so
 * a wrong id and a wrong secret take the same work and cannot be told apart by timing.
 */
export async function createClientCheck(
  clients: ReadonlyMap<string, KintoClient>,
  verify: (secret: string, stored: SecretHash) => Promise<boolean> = verifySecret,
): Promise<CheckClient> {
  const model = clients.values().next().value?.secret ?? defaultScryptParams;
  const standIn = parseSecretHash(
    await hashSecret(randomBytes(32).toString('base64url'), model),
  ) as SecretHash;
  return async (clientId, secret) => {
    const client = clients.get(clientId);
    const matches = await verify(secret, client?.secret ?? standIn);
    return client && matches ? client : undefined;
  };
}
