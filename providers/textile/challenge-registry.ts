import { randomBytes } from 'node:crypto';
import type { Clock } from '../../src/clock';
import { GatewayError, invalidRequest } from '../../src/errors';
import type { HubChallenge } from './hub-client';

/** A challenge waiting for its signature. */
export interface PendingChallenge {
  publicKey: string;
  stream: HubChallenge;
  /** Milliseconds since the epoch, by the gateway's clock. */
  expiresAt: number;
}

/** A reserved place among the pending challenges, taken before the hub stream is opened. */
export interface Slot {
  /** Stores the opened stream; returns its unguessable id and expiry. */
  fill(publicKey: string, stream: HubChallenge): { challengeId: string; expiresAt: number };
  /** Gives the place back when opening the stream failed or the stream is done. */
  release(): void;
}

/**
 * Open hub streams, bounded in number: held challenges (bounded in lifetime too, each taken
 * once) and streams of the other flows while they run.
 */
export interface ChallengeRegistry {
  /** Reserves a place, or fails with 503 when `maxPending` streams are already open. */
  reserve(): Slot;
  /** Removes and returns a pending challenge; unknown, used or expired ids fail with 400. */
  take(challengeId: string): PendingChallenge;
  /** Aborts every held stream. */
  close(): void;
}

/** Bounds of the registry; `clock` decides expiry, real timers free the hub streams. */
export interface ChallengeRegistryOptions {
  ttlMs: number;
  maxPending: number;
  clock: Clock;
  /** Starts every challenge id: the instance holding it, so another one can reach it. */
  idPrefix?: string;
}

export function createChallengeRegistry(options: ChallengeRegistryOptions): ChallengeRegistry {
  const { ttlMs, maxPending, clock, idPrefix } = options;
  const pending = new Map<string, PendingChallenge & { timer: NodeJS.Timeout }>();
  let reserved = 0;

  const drop = (challengeId: string) => {
    const entry = pending.get(challengeId);
    if (!entry) return undefined;
    pending.delete(challengeId);
    clearTimeout(entry.timer);
    return entry;
  };

  return {
    reserve() {
      if (pending.size + reserved >= maxPending) {
        const now = clock.now();
        for (const [id, entry] of pending) if (now >= entry.expiresAt) drop(id)?.stream.abort();
      }
      if (pending.size + reserved >= maxPending) {
        throw new GatewayError(
          'unavailable',
          'too many Textile token requests are pending; try again shortly',
          undefined,
          { 'Retry-After': '5' },
        );
      }
      reserved += 1;
      let held = true;
      const release = () => {
        if (held) reserved -= 1;
        held = false;
      };
      return {
        fill(publicKey, stream) {
          release();
          const random = randomBytes(32).toString('base64url');
          const challengeId = idPrefix ? `${idPrefix}.${random}` : random;
          const expiresAt = clock.now() + ttlMs;
          // Real time bounds the hub stream even when tests drive the clock.
          const timer = setTimeout(() => {
            drop(challengeId)?.stream.abort();
          }, ttlMs);
          timer.unref();
          pending.set(challengeId, { publicKey, stream, expiresAt, timer });
          return { challengeId, expiresAt };
        },
        release,
      };
    },

    take(challengeId) {
      const entry = drop(challengeId);
      if (!entry) {
        throw invalidRequest(
          'challengeId',
          'challengeId is unknown, already used or expired; request a new challenge',
        );
      }
      if (clock.now() >= entry.expiresAt) {
        entry.stream.abort();
        throw invalidRequest('challengeId', 'challengeId has expired; request a new challenge');
      }
      return entry;
    },

    close() {
      [...pending.keys()].forEach((id) => drop(id)?.stream.abort());
    },
  };
}
