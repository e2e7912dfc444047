/**
 * Wraps an async lookup so its first success is kept and shared by every later call, while a
 * failure is forgotten, so the next call tries again (e.g. OpenID discovery).
 */
export function rememberSuccess<Args extends unknown[], T>(
  lookup: (...args: Args) => Promise<T>,
): (...args: Args) => Promise<T> {
  let found: Promise<T> | undefined;
  return (...args) => {
    found ??= lookup(...args).catch((error: unknown) => {
      found = undefined;
      throw error;
    });
    return found;
  };
}
