/**
 * A small key/value store with expiry, shared by the instances of a gateway when it is
 * backed by Redis. Values are strings; callers serialise their own data.
 */
export interface KeyValueStore {
  get(key: string): Promise<string | undefined>;
  /** Writes `value`, expiring after `ttlMs`. Fails with `unavailable` when a bounded store is full. */
  set(key: string, value: string, ttlMs: number): Promise<void>;
  /** Removes `key`; true when it existed. */
  delete(key: string): Promise<boolean>;
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

/** Hands out stores namespaced per provider. */
export interface StoreFactory {
  /** A store whose keys live under `<provider>:<name>:`. */
  open(name: string, options?: StoreOptions): KeyValueStore;
  /** Resolves when the backend answers; rejects otherwise. */
  ping(): Promise<void>;
  close(): Promise<void>;
  readonly kind: 'memory' | 'redis';
}
