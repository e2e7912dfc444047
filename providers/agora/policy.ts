import { z } from 'zod';
import { describePath } from '../../src/config';
import { readJsonFile } from '../../src/json-file';
import { parseChannelPattern, type ChannelPattern } from './channel-pattern';
import { maxExpirySeconds } from './limits';
import { tokenTypes, type TokenType } from './requests';
import type { AgoraRole } from './schemas';

/** A grant applies to callers whose claim equals a string, or whose array claim includes one. */
export type GrantCondition =
  { claim: string; equals: string } | { claim: string; includes: string };

/** What the callers a grant applies to may mint. */
export interface Grant {
  /** Absent: every caller. */
  when?: GrantCondition;
  channels: ChannelPattern[];
  roles: AgoraRole[];
  types: TokenType[];
}

/** `AGORA_POLICY`: who may mint what, checked at boot. */
export interface AgoraPolicy {
  /** Claims the token's user must be: `uid` an integer uid claim, `account` a string one. */
  identity: { uid?: string; account?: string };
  /** Longest lifetime granted, in seconds; longer requests are shortened. */
  maxExpiry?: number;
  grants: Grant[];
}

const claimName = z.string().min(1, 'must be a claim name');

const condition = z.union(
  [
    z.strictObject({ claim: claimName, equals: z.string() }),
    z.strictObject({ claim: claimName, includes: z.string() }),
  ],
  { message: 'must be {"claim", "equals"} or {"claim", "includes"}, with string values' },
);

const channelPattern = z.string().transform((source, ctx): ChannelPattern => {
  const parsed = parseChannelPattern(source);
  if (typeof parsed !== 'string') return parsed;
  ctx.addIssue({ code: 'custom', message: `${JSON.stringify(source)} ${parsed}` });
  return z.NEVER;
});

const typesWithChannels: readonly TokenType[] = ['rtc', 'rte', 'convoai'];
const typesWithRoles: readonly TokenType[] = ['rtc', 'rte'];

const grant = z
  .strictObject({
    when: condition.optional(),
    channels: z.array(channelPattern).default([]),
    roles: z
      .array(z.enum(['publisher', 'subscriber'], { message: 'must be publisher or subscriber' }))
      .default([]),
    types: z
      .array(z.enum(tokenTypes, { message: `must be one of ${tokenTypes.join(', ')}` }))
      .min(1, 'must name at least one token type'),
  })
  .superRefine((entry, ctx) => {
    // An omitted list must not silently mean "everything".
    if (entry.channels.length === 0 && entry.types.some((t) => typesWithChannels.includes(t))) {
      ctx.addIssue({
        code: 'custom',
        path: ['channels'],
        message: 'is required for rtc, rte and convoai ("*" for every channel)',
      });
    }
    if (entry.roles.length === 0 && entry.types.some((t) => typesWithRoles.includes(t))) {
      ctx.addIssue({ code: 'custom', path: ['roles'], message: 'is required for rtc and rte' });
    }
  });

const policyFile = z.strictObject({
  identity: z
    .strictObject({ uid: claimName.optional(), account: claimName.optional() })
    .default({}),
  maxExpiry: z
    .number({ message: `must be a whole number of seconds from 1 to ${maxExpirySeconds}` })
    .int(`must be a whole number of seconds from 1 to ${maxExpirySeconds}`)
    .min(1, `must be a whole number of seconds from 1 to ${maxExpirySeconds}`)
    .max(maxExpirySeconds, `must be a whole number of seconds from 1 to ${maxExpirySeconds}`)
    .optional(),
  grants: z.array(grant).min(1, 'must hold at least one grant'),
});

/** A checked policy, or every problem naming its entry. */
export type PolicyResult = { ok: true; policy: AgoraPolicy } | { ok: false; problems: string[] };

/** Checks a parsed policy document. */
export function parsePolicy(document: unknown): PolicyResult {
  const parsed = policyFile.safeParse(document);
  if (parsed.success) return { ok: true, policy: parsed.data };
  return {
    ok: false,
    problems: parsed.error.issues.map(
      (issue) => `${describePath(issue.path) || '(file)'}: ${issue.message}`,
    ),
  };
}

/** Reads and checks the policy file at `path`. */
export function loadPolicy(path: string): PolicyResult {
  const file = readJsonFile(path);
  return file.ok ? parsePolicy(file.document) : file;
}
