/**
 * The path (`a.b[2]` as `a.b.2`) of the first string, or key, holding a lone surrogate:
 * such text cannot be encoded as UTF-8, and would be signed as U+FFFD.
 */
export function malformedTextAt(value: unknown, path = ''): string | undefined {
  if (typeof value === 'string') return value.isWellFormed() ? undefined : path || 'body';
  if (value === null || typeof value !== 'object') return undefined;
  for (const [key, item] of Object.entries(value)) {
    const at = path ? `${path}.${key}` : key;
    if (!key.isWellFormed()) return at;
    const found = malformedTextAt(item, at);
    if (found !== undefined) return found;
  }
  return undefined;
}
