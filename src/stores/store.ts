/**
 * A small key/value store with expiry, shared by the instances of a gateway when it is
 * backed by Redis. Values are strings; callers serialise their own data.
 */
export interface KeyValueStore {
  get(key: string): Promise<string | undefined>;
  /** Writes `value`, expiring after `ttlMs`. Fails with `unavailable` when a bounded store is full. */
  set(key: string, value: string, ttlMs: number): Promise<void>;
  /**
   * Writes `value` only when `key` holds nothing, atomically across instances: true when this
   * call wrote it (a lock taken, a claim made).
   */
  setIfAbsent(key: string, value: string, ttlMs: number): Promise<boolean>;
  /** Removes `key`; true when it existed. */
  delete(key: string): Promise<boolean>;
  /** Removes `key` only while it still holds `value` (releasing one's own lock); true when removed. */
  deleteIfEquals(key: string, value: string): Promise<boolean>;
  /**
   * Atomically replaces the value of an existing key with `change(current)`, even against
   * concurrent updates from other instances. Returns the new value, or undefined (and writes
   * nothing) when the key is absent or `change` returns undefined.
   */
  update(
    key: string,
    change: (current: string) => string | undefined,
    ttlMs: number,
  ): Promise<string | undefined>;
}

/** Options of one named store. */
export interface StoreOptions {
  /** Upper bound on live entries; only the in-memory backend enforces it. */
  maxEntries?: number;
}

/** Receives the messages published on a channel. */
export type MessageHandler = (message: string) => void;

/**
 * Messages between the instances of a gateway: Redis pub/sub when shared, in-process
 * otherwise. Delivery is at most once, to the subscribers present when it is published.
 */
export interface Channels {
  /** Publishes `message`; resolves with how many subscribers (of all instances) received it. */
  publish(channel: string, message: string): Promise<number>;
  /** Subscribes `handler`; resolves, once subscribed, with the function that unsubscribes it. */
  subscribe(channel: string, handler: MessageHandler): Promise<() => Promise<void>>;
}

/** Hands out stores namespaced per provider. */
export interface StoreFactory extends Channels {
  /** A store whose keys live under `<provider>:<name>:`. */
  open(name: string, options?: StoreOptions): KeyValueStore;
  /** Resolves when the backend answers; rejects otherwise. */
  ping(): Promise<void>;
  close(): Promise<void>;
  readonly kind: 'memory' | 'redis';
}
