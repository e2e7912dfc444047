import { randomBytes } from 'node:crypto';
import { GatewayError, errorStatus, invalidRequest, type ErrorCode } from '../../src/errors';
import type { Logger } from '../../src/logger';
import type { ProviderDeps } from '../../src/provider';

/** A challenge's answer relayed to the instance holding its hub stream, and back. */
type Message =
  | { t: 'answer'; id: string; from: string; challengeId: string; signature: string }
  | { t: 'result'; id: string; answer?: unknown; error?: RelayedError };

interface RelayedError {
  code: ErrorCode;
  message: string;
  field?: string;
  headers?: Record<string, string>;
}

/** Answers a challenge held by this instance; the relay calls it for the other instances. */
export type AnswerHere<T> = (challengeId: string, signature: Uint8Array) => Promise<T>;

/**
 * Lets the second step of the HTTP challenge flow reach any instance: the hub's GetToken
 * stream stays where it was opened, and the answer is carried there over the store's
 * channels. A challenge id starts with its holder's instance id.
 */
export interface ChallengeRelay<T> {
  /** This instance's id, the prefix of the challenge ids it hands out. */
  readonly instanceId: string;
  /** The instance a challenge id names, when it names another one than this. */
  holderOf(challengeId: string): string | undefined;
  /**
   * Has the holder answer; a holder that is gone is the same 400 as an unknown challenge,
   * answered at once, and one that does not answer within `waitMs` a 504.
   */
  forward(holder: string, challengeId: string, signature: Uint8Array): Promise<T>;
  close(): Promise<void>;
}

const unknownChallenge = () =>
  invalidRequest(
    'challengeId',
    'challengeId is unknown, already used or expired; request a new challenge',
  );

/** The error as it crosses the channel: what the client would see, nothing more. */
function relayed(error: unknown): RelayedError {
  if (error instanceof GatewayError) {
    const { code, message, field, headers } = error;
    return { code, message: error.status >= 500 ? 'the hub call failed' : message, field, headers };
  }
  return { code: 'internal_error', message: 'internal error' };
}

export async function createChallengeRelay<T>(options: {
  store: ProviderDeps['store'];
  answerHere: AnswerHere<T>;
  waitMs: number;
  logger: Logger;
}): Promise<ChallengeRelay<T>> {
  const { store, answerHere, waitMs, logger } = options;
  const instanceId = randomBytes(9).toString('base64url');
  const pending = new Map<string, { resolve(value: T): void; reject(error: unknown): void }>();
  const channel = (instance: string) => `challenge:${instance}`;

  const onMessage = (text: string) => {
    let message: Message;
    try {
      message = JSON.parse(text) as Message;
    } catch {
      return;
    }
    if (message.t === 'result') {
      const waiting = pending.get(message.id);
      if (!waiting) return;
      pending.delete(message.id);
      const { error } = message;
      if (!error) return waiting.resolve(message.answer as T);
      if (!(error.code in errorStatus)) return waiting.reject(unknownChallenge());
      return waiting.reject(
        new GatewayError(error.code, error.message, error.field, error.headers),
      );
    }
    if (message.t !== 'answer') return;
    const reply = (result: Omit<Extract<Message, { t: 'result' }>, 't' | 'id'>) =>
      store
        .publish(channel(message.from), JSON.stringify({ t: 'result', id: message.id, ...result }))
        .catch(() => logger.warn('a relayed challenge answer could not be sent back'));
    answerHere(message.challengeId, Buffer.from(message.signature, 'base64')).then(
      (answer) => reply({ answer }),
      (error: unknown) => reply({ error: relayed(error) }),
    );
  };

  const unsubscribe = await store.subscribe(channel(instanceId), onMessage).catch(() => {
    logger.warn('challenges cannot be answered on other instances: the store is unavailable');
    return async () => {};
  });

  return {
    instanceId,
    holderOf(challengeId) {
      const holder = challengeId.split('.', 1)[0];
      return holder && holder !== instanceId && challengeId.includes('.') ? holder : undefined;
    },
    async forward(holder, challengeId, signature) {
      const id = randomBytes(12).toString('base64url');
      const result = new Promise<T>((resolve, reject) => pending.set(id, { resolve, reject }));
      const message: Message = {
        t: 'answer',
        id,
        from: instanceId,
        challengeId,
        signature: Buffer.from(signature).toString('base64'),
      };
      let timer: NodeJS.Timeout | undefined;
      try {
        const heard = await store.publish(channel(holder), JSON.stringify(message));
        if (heard === 0) throw unknownChallenge();
        const late = new Promise<never>((_resolve, reject) => {
          timer = setTimeout(
            () =>
              reject(
                new GatewayError(
                  'upstream_timeout',
                  'the instance holding the challenge did not answer in time',
                ),
              ),
            waitMs,
          );
        });
        return await Promise.race([result, late]);
      } finally {
        clearTimeout(timer);
        pending.delete(id);
      }
    },
    close: () => unsubscribe(),
  };
}
