import { invalidRequest } from '../errors';

/** More parameters than this are refused, never cut. */
export const maxQueryParameters = 1000;

// Bytes outside printable ASCII in a request target were not percent-encoded: refuse, never guess.
const unencoded = /[^ -~]/;

function decode(text: string, field: string | undefined): string {
  const spaced = text.includes('+') ? text.replaceAll('+', ' ') : text;
  const raw = unencoded.test(spaced);
  if (!raw && !spaced.includes('%')) return spaced;
  try {
    if (raw) throw new URIError('raw non-ASCII byte');
    return decodeURIComponent(spaced);
  } catch {
    throw invalidRequest(
      field ?? 'query',
      `${field ?? 'a parameter name'} is not valid percent-encoded UTF-8`,
    );
  }
}

/**
 * Parses a query string like `node:querystring` (repeated names give arrays, `+` is a space),
 * but strictly: more than {@link maxQueryParameters} parameters, invalid percent-encoding,
 * invalid UTF-8 or an encoded lone surrogate are a 400 naming the field, not a silently cut
 * list or a U+FFFD. Hand-written because node:querystring and URLSearchParams do both.
 */
export function parseQuery(querystring: string): Record<string, string | string[]> {
  const fields: Record<string, string | string[]> = Object.create(null);
  if (querystring === '') return fields;
  let count = 0;
  for (const pair of querystring.split('&')) {
    if (pair === '') continue;
    count += 1;
    if (count > maxQueryParameters) {
      throw invalidRequest('query', `too many parameters (at most ${maxQueryParameters})`);
    }
    const eq = pair.indexOf('=');
    const name = decode(eq === -1 ? pair : pair.slice(0, eq), undefined);
    const value = eq === -1 ? '' : decode(pair.slice(eq + 1), name);
    const existing = fields[name];
    if (existing === undefined) fields[name] = value;
    else if (Array.isArray(existing)) existing.push(value);
    else fields[name] = [existing, value];
  }
  return fields;
}
