import { PrivateKey, type PublicKey } from '@textile/hub';
import { createPublicKey, verify } from 'node:crypto';
import { textileProvider } from '../../providers/textile';
import { startGateway, type TestGateway } from './gateway';
import {
  startHubEmulator,
  type HubEmulator,
  type HubEmulatorOptions,
} from '../../standins/textile/hub-emulator';
import { manualClock, type ManualClock } from './clock';

/** A clock the test moves by hand. */
/** A hub emulator and a gateway whose textile provider points at it. */
export interface TextileSetup {
  hub: HubEmulator;
  gw: TestGateway;
  clock: ManualClock;
  close(): Promise<void>;
}

export async function startTextile(
  env: Record<string, string> = {},
  hubOptions: HubEmulatorOptions = {},
): Promise<TextileSetup> {
  const hub = await startHubEmulator(hubOptions);
  const clock = manualClock(Date.UTC(2026, 10, 22, 12));
  const gw = await startGateway({
    definitions: [textileProvider],
    clock,
    env: {
      TEXTILE_USER_API_KEY: hub.apiKey,
      TEXTILE_USER_API_SECRET: hub.apiSecret,
      TEXTILE_HUB_URL: hub.url,
      ...env,
    },
  });
  return {
    hub,
    gw,
    clock,
    async close() {
      await gw.close();
      await hub.close();
    },
  };
}

/** The claims of a JWT, unverified. */
export const jwtClaims = (token: string) =>
  JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString('utf8'));

/** Verifies a hub token's ed25519 signature with node:crypto and the hub's raw public key. */
export function jwtVerifies(token: string, hubKey: PublicKey): boolean {
  const [header, claims, signature] = token.split('.');
  const key = createPublicKey({
    key: { kty: 'OKP', crv: 'Ed25519', x: Buffer.from(hubKey.pubKey).toString('base64url') },
    format: 'jwk',
  });
  return verify(
    null,
    Buffer.from(`${header}.${claims}`),
    key,
    Buffer.from(signature!, 'base64url'),
  );
}

/** Signs a base64 challenge; answers base64. */
export const signBase64 = async (identity: PrivateKey, challenge: string) =>
  Buffer.from(await identity.sign(Buffer.from(challenge, 'base64'))).toString('base64');

export const newIdentity = () => PrivateKey.fromRandom();

/** Polls `probe` until it holds (at most `ms`); for effects the hub sees asynchronously. */
export async function eventually(probe: () => boolean, ms = 3_000): Promise<boolean> {
  for (let waited = 0; waited < ms; waited += 20) {
    if (probe()) return true;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  return probe();
}
