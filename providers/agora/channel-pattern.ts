import type { CallerClaims } from './requests';

/** One part of a channel pattern: literal text, `*`, or a `{claim}` to substitute. */
export type PatternPart = { text: string } | { wildcard: true } | { claim: string };

/** A channel pattern of a grant, checked at boot. */
export interface ChannelPattern {
  source: string;
  parts: PatternPart[];
}

/** Characters of Agora channel names; `{`, `}` and `*` have a meaning in patterns. */
const literalChars = /^[a-zA-Z0-9 !#$%&()+\-:;<=.>?@[\]^_|~,]$/;

/**
 * Parses `lobby`, `room-{sub}`, `team-{org}-*`: `*` matches any run of channel characters
 * (also none), `{name}` is the caller's top-level claim `name`. Returns the problem otherwise.
 */
export function parseChannelPattern(source: string): ChannelPattern | string {
  const parts: PatternPart[] = [];
  for (let at = 0; at < source.length;) {
    const char = source[at]!;
    if (char === '*') {
      parts.push({ wildcard: true });
      at += 1;
    } else if (char === '{') {
      const end = source.indexOf('}', at);
      const claim = end < 0 ? '' : source.slice(at + 1, end);
      if (end < 0) return 'has a "{" without its "}"';
      if (claim === '' || claim.includes('{')) return 'has a "{}" without a claim name';
      parts.push({ claim });
      at = end + 1;
    } else if (char === '}') {
      return 'has a "}" without its "{"';
    } else if (!literalChars.test(char)) {
      return `may only contain channel characters, "*" and {claim}; not ${JSON.stringify(char)}`;
    } else {
      const last = parts.at(-1);
      if (last && 'text' in last) last.text += char;
      else parts.push({ text: char });
      at += 1;
    }
  }
  return { source, parts };
}

/** A claim as channel text: a non-empty string, or a number's decimal text. */
function claimText(claims: CallerClaims, name: string): string | undefined {
  const value = claims[name];
  if (typeof value === 'string' && value !== '') return value;
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  return undefined;
}

/**
 * Whether `channel` matches `pattern` for this caller. Claims are substituted as literal text
 * (a `*` or `}` in a claim is just a character), and a missing claim matches nothing.
 */
export function matchesChannel(
  pattern: ChannelPattern,
  channel: string,
  claims: CallerClaims,
): boolean {
  // Literal pieces between wildcards; a glob of `*` alone needs no backtracking.
  const pieces = [''];
  for (const part of pattern.parts) {
    if ('wildcard' in part) {
      pieces.push('');
      continue;
    }
    const text = 'text' in part ? part.text : claimText(claims, part.claim);
    if (text === undefined) return false;
    pieces[pieces.length - 1] += text;
  }
  const first = pieces[0]!;
  if (pieces.length === 1) return channel === first;
  const last = pieces.at(-1)!;
  if (channel.length < first.length + last.length) return false;
  if (!channel.startsWith(first) || !channel.endsWith(last)) return false;
  let at = first.length;
  const end = channel.length - last.length;
  for (const piece of pieces.slice(1, -1)) {
    const found = channel.indexOf(piece, at);
    if (found < 0 || found + piece.length > end) return false;
    at = found + piece.length;
  }
  return true;
}
