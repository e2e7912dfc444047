import { textileHub } from './hub-library';
import type { ProviderDeps } from '../../src/provider';
import { GatewayError, invalidRequest } from '../../src/errors';
import { createChallengeRegistry } from './challenge-registry';
import { createChallengeRelay } from './challenge-relay';
import type { TextileConfig } from './config';
import { createHubClient } from './hub-client';
import { parseBase64, parsePrivateKey, parsePublicKey, signatureLength } from './identity';

/** What `Client.withUserAuth` takes in a browser. */
export interface UserAuth {
  key: string;
  sig: string;
  msg: string;
  token: string;
}

/** A token answer: the hub token, whose it is, and a user auth signed until `expiresAt`. */
export interface TokenAnswer {
  token: string;
  identity: string;
  userAuth: UserAuth;
  expiresIn: number;
  expiresAt: string;
}

/** A challenge handed out by `POST /token/challenge`. */
export interface ChallengeAnswer {
  challengeId: string;
  challenge: string;
  expiresIn: number;
  expiresAt: string;
}

/** A challenge held for one WebSocket connection. */
export interface HeldChallenge {
  challenge: Uint8Array;
  answer(signature: Uint8Array): Promise<TokenAnswer>;
  /** Ends the hub stream if it is still open and frees its place. */
  abort(): void;
}

/** The flows through which a token is issued; the `flow` label of the metric. */
export type Flow = 'private_key' | 'challenge' | 'websocket';

/** The provider's logic, free of HTTP: each flow from raw input to answer. */
export interface TextileService {
  tokenForPrivateKey(id: unknown, field: string): Promise<TokenAnswer>;
  openChallenge(publicKey: unknown): Promise<ChallengeAnswer>;
  answerChallenge(challengeId: unknown, signature: unknown): Promise<TokenAnswer>;
  holdChallenge(publicKey: unknown, field: string): Promise<HeldChallenge>;
  close(): Promise<void>;
}

const privateKeyDisabled = () =>
  new GatewayError(
    'forbidden',
    'sending a private key is disabled on this gateway; use the challenge flow: POST /api/textile/token/challenge {publicKey}, then POST /api/textile/token {challengeId, signature}, or the WebSocket /api/textile/token/ws',
  );

export async function createTextileService(
  config: TextileConfig,
  deps: Pick<ProviderDeps, 'clock' | 'logger' | 'metrics' | 'store'>,
): Promise<TextileService> {
  const { clock, logger, metrics } = deps;
  const hub = createHubClient({
    url: config.TEXTILE_HUB_URL,
    key: config.TEXTILE_USER_API_KEY,
    secret: config.TEXTILE_USER_API_SECRET,
    timeoutMs: config.TEXTILE_HUB_TIMEOUT * 1000,
    logger,
    observe: (stage, outcome, seconds) =>
      metrics.upstream('textile', `hub_${stage}`, outcome, seconds),
  });
  // With a shared store, the second step of the HTTP challenge flow may reach any instance.
  const relay =
    deps.store.kind === 'redis'
      ? await createChallengeRelay<TokenAnswer>({
          store: deps.store,
          answerHere: (challengeId, signature) => answerHere(challengeId, signature),
          waitMs: config.TEXTILE_HUB_TIMEOUT * 1000 + 1_000,
          logger,
        })
      : undefined;
  const registry = createChallengeRegistry({
    ttlMs: config.TEXTILE_CHALLENGE_TTL * 1000,
    maxPending: config.TEXTILE_MAX_PENDING,
    clock,
    idPrefix: relay?.instanceId,
  });

  const answerHere = async (challengeId: string, signature: Uint8Array) => {
    const pending = registry.take(challengeId);
    const token = await pending.stream.answer(signature);
    return issue(token, pending.publicKey, 'challenge');
  };

  const issue = async (token: string, identity: string, flow: Flow): Promise<TokenAnswer> => {
    const expiresIn = config.TEXTILE_USERAUTH_TTL;
    const expires = new Date(clock.now() + expiresIn * 1000);
    const { key, sig, msg } = await textileHub().createUserAuth(
      config.TEXTILE_USER_API_KEY,
      config.TEXTILE_USER_API_SECRET,
      expires,
    );
    metrics.tokenIssued('textile', flow);
    return {
      token,
      identity,
      userAuth: { key, sig, msg, token },
      expiresIn,
      expiresAt: expires.toISOString(),
    };
  };

  const hold = async (publicKey: string) => {
    const slot = registry.reserve();
    try {
      return { slot, stream: await hub.openChallenge(publicKey) };
    } catch (error) {
      slot.release();
      throw error;
    }
  };

  return {
    async tokenForPrivateKey(id, field) {
      if (!config.TEXTILE_ALLOW_PRIVATE_KEY) throw privateKeyDisabled();
      const identity = parsePrivateKey(id, field);
      // This flow holds a hub stream too, so it counts against TEXTILE_MAX_PENDING.
      const slot = registry.reserve();
      try {
        const token = await hub.tokenForPrivateKey(identity);
        return await issue(token, identity.public.toString(), 'private_key');
      } finally {
        slot.release();
      }
    },

    async openChallenge(value) {
      const publicKey = parsePublicKey(value, 'publicKey');
      const { slot, stream } = await hold(publicKey);
      const { challengeId, expiresAt } = slot.fill(publicKey, stream);
      return {
        challengeId,
        challenge: Buffer.from(stream.challenge).toString('base64'),
        expiresIn: config.TEXTILE_CHALLENGE_TTL,
        expiresAt: new Date(expiresAt).toISOString(),
      };
    },

    async answerChallenge(challengeId, signature) {
      if (challengeId === undefined || challengeId === '') {
        throw invalidRequest('challengeId', 'challengeId is required');
      }
      if (typeof challengeId !== 'string' || challengeId.length > 200) {
        throw invalidRequest('challengeId', 'challengeId must be the string from the challenge');
      }
      const sig = parseBase64(signature, 'signature', signatureLength);
      const holder = relay?.holderOf(challengeId);
      return holder ? relay!.forward(holder, challengeId, sig) : answerHere(challengeId, sig);
    },

    async holdChallenge(value, field) {
      const publicKey = parsePublicKey(value, field);
      const { slot, stream } = await hold(publicKey);
      const abort = () => {
        slot.release();
        stream.abort();
      };
      return {
        challenge: stream.challenge,
        async answer(sig) {
          try {
            return await issue(await stream.answer(sig), publicKey, 'websocket');
          } finally {
            slot.release();
          }
        },
        abort,
      };
    },

    async close() {
      registry.close();
      hub.close();
      await relay?.close();
    },
  };
}
