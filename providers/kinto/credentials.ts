import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { availableParallelism } from 'node:os';
import { createCheckQueue } from './check-queue';
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

/** How long a verified secret is recognised without scrypt. */
const rememberMs = 10 * 60_000;
/** Unknown client ids share one turn, so inventing ids buys a flood nothing. */
const unknownKey = '\u0000unknown';

/**
 * An unknown client id is checked against a stand-in hash of the same cost as a real one, so
 * a wrong id and a wrong secret take the same work and cannot be told apart by timing.
 * Each check costs tens of milliseconds of scrypt on libuv's small pool, so checks run one or
 * two at a time, taking turns per client id, and the excess is refused with 429. A secret verified
 * in the last minutes is recognised by an HMAC under a per-process key instead, so a client
 * that is already in keeps getting in while someone floods its id with guesses.
 */
export async function createClientCheck(
  clients: ReadonlyMap<string, KintoClient>,
  verify: (secret: string, stored: SecretHash) => Promise<boolean> = verifySecret,
): Promise<CheckClient> {
  const model = clients.values().next().value?.secret ?? defaultScryptParams;
  const standIn = parseSecretHash(
    await hashSecret(randomBytes(32).toString('base64url'), model),
  ) as SecretHash;
  // One core stays with the event loop: scrypt on every core would stall all other requests.
  const concurrency = Math.max(1, Math.min(2, availableParallelism() - 1));
  const queue = createCheckQueue({ concurrency, maxWaitingPerKey: 4 });
  const processKey = randomBytes(32);
  const verified = new Map<string, { digest: Buffer; until: number }>();
  const digestOf = (clientId: string, secret: string) =>
    createHmac('sha256', processKey).update(clientId).update('\u0000').update(secret).digest();

  return async (clientId, secret) => {
    const client = clients.get(clientId);
    const remembered = client && verified.get(clientId);
    if (remembered && Date.now() < remembered.until) {
      if (timingSafeEqual(digestOf(clientId, secret), remembered.digest)) return client;
    }
    const matches = await queue.run(client ? clientId : unknownKey, () =>
      verify(secret, client?.secret ?? standIn),
    );
    if (!client || !matches) return undefined;
    verified.set(clientId, { digest: digestOf(clientId, secret), until: Date.now() + rememberMs });
    return client;
  };
}
