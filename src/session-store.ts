import { createHash, randomBytes } from 'node:crypto';
import type { Clock } from './clock';
import type { KeyValueStore } from './stores/store';

/** What the gateway knows about one session. Times are milliseconds since the epoch. */
export interface Session {
  /** The hash of the session's token: names the session without being the secret. */
  id: string;
  clientId: string;
  createdAt: number;
  /** Last time the session was used; the session expires `ttlMs` after it. */
  lastUsedAt: number;
  expiresAt: number;
  /** Session fields by name, as written by the services. */
  data: Record<string, string>;
}

/** The outcome of {@link SessionStore.write}. */
export type SessionWrite =
  | { status: 'written'; session: Session }
  | { status: 'missing' }
  | { status: 'too_large'; bytes: number; limit: number };

/**
 * Sessions addressed by an opaque bearer token. Only a hash of the token is ever stored, so
 * whoever reads the backing store learns no usable token. Every use slides the expiry.
 */
export interface SessionStore {
  /** Starts a session for `clientId`; the token is returned once and never kept. */
  create(clientId: string): Promise<{ token: string; session: Session }>;
  /** The live session of `token` (its expiry slid forward), or undefined. */
  get(token: string): Promise<Session | undefined>;
  /**
   * Applies `changes` atomically, even against concurrent writes to the same session from
   * this or another gateway instance: a string sets a field, `null` removes it. Nothing is
   * written when the data would exceed the size bound.
   */
  write(token: string, changes: Record<string, string | null>): Promise<SessionWrite>;
  /** Ends the session; true when it existed. */
  end(token: string): Promise<boolean>;
  /** Session lifetime after the last use, in milliseconds. */
  readonly ttlMs: number;
}

/** Options of {@link createSessionStore}. */
export interface SessionStoreOptions {
  clock: Clock;
  ttlMs: number;
  /** Bound on the JSON size of a session's data, in bytes. */
  maxDataBytes: number;
  /** Uses closer together than this do not rewrite the session just to slide its expiry. */
  touchEveryMs?: number;
}

interface Stored {
  v: 1;
  clientId: string;
  createdAt: number;
  lastUsedAt: number;
  data: Record<string, string>;
}

/** 256 random bits, base64url: the bearer token handed to the client. */
const newToken = () => randomBytes(32).toString('base64url');
const tokenShape = /^[A-Za-z0-9_-]{43}$/;
const keyOf = (token: string) => createHash('sha256').update(token).digest('base64url');

function decode(value: string): Stored | undefined {
  try {
    const stored = JSON.parse(value) as Stored;
    return stored?.v === 1 ? stored : undefined;
  } catch {
    return undefined;
  }
}

/** A session store on top of a core key/value store (memory by default, Redis when shared). */
export function createSessionStore(kv: KeyValueStore, options: SessionStoreOptions): SessionStore {
  const { clock, ttlMs, maxDataBytes } = options;
  const touchEveryMs = options.touchEveryMs ?? Math.min(60_000, Math.floor(ttlMs / 10));
  const view = (id: string, stored: Stored): Session => ({
    id,
    clientId: stored.clientId,
    createdAt: stored.createdAt,
    lastUsedAt: stored.lastUsedAt,
    expiresAt: stored.lastUsedAt + ttlMs,
    data: { ...stored.data },
  });
  const live = (stored: Stored | undefined) =>
    stored && stored.lastUsedAt + ttlMs > clock.now() ? stored : undefined;

  return {
    ttlMs,
    async create(clientId) {
      const token = newToken();
      const now = clock.now();
      const stored: Stored = { v: 1, clientId, createdAt: now, lastUsedAt: now, data: {} };
      const key = keyOf(token);
      await kv.set(key, JSON.stringify(stored), ttlMs);
      return { token, session: view(key, stored) };
    },
    async get(token) {
      if (!tokenShape.test(token)) return undefined;
      const key = keyOf(token);
      const raw = await kv.get(key);
      const stored = live(raw === undefined ? undefined : decode(raw));
      if (!stored) return undefined;
      if (clock.now() - stored.lastUsedAt < touchEveryMs) return view(key, stored);
      let touched: Stored | undefined;
      await kv.update(
        key,
        (current) => {
          touched = live(decode(current));
          if (!touched) return undefined;
          touched = { ...touched, lastUsedAt: Math.max(touched.lastUsedAt, clock.now()) };
          return JSON.stringify(touched);
        },
        ttlMs,
      );
      return touched && view(key, touched);
    },
    async write(token, changes) {
      if (!tokenShape.test(token)) return { status: 'missing' };
      let outcome: SessionWrite = { status: 'missing' };
      const key = keyOf(token);
      await kv.update(
        key,
        (current) => {
          // May run more than once when another writer wins a race; each run starts afresh.
          const stored = live(decode(current));
          if (!stored) {
            outcome = { status: 'missing' };
            return undefined;
          }
          const data = { ...stored.data };
          for (const [field, value] of Object.entries(changes)) {
            if (value === null) delete data[field];
            else data[field] = value;
          }
          const bytes = Buffer.byteLength(JSON.stringify(data));
          if (bytes > maxDataBytes) {
            outcome = { status: 'too_large', bytes, limit: maxDataBytes };
            return undefined;
          }
          const next: Stored = { ...stored, lastUsedAt: clock.now(), data };
          outcome = { status: 'written', session: view(key, next) };
          return JSON.stringify(next);
        },
        ttlMs,
      );
      return outcome;
    },
    async end(token) {
      return tokenShape.test(token) && kv.delete(keyOf(token));
    },
  };
}
