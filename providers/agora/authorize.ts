import type { z } from 'zod';
import { GatewayError } from '../../src/errors';
import { matchesChannel } from './channel-pattern';
import type { AgoraPolicy, Grant, GrantCondition } from './policy';
import {
  rtcExpiryFields,
  type CallerClaims,
  type RequestedUser,
  type TokenRequest,
} from './requests';
import { accountField, chatUserField, rtmUserField, uidField } from './schemas';

const forbidden = (field: string, message: string) => new GatewayError('forbidden', message, field);

function holds(condition: GrantCondition | undefined, claims: CallerClaims): boolean {
  if (!condition) return true;
  const value = claims[condition.claim];
  if ('equals' in condition) return value === condition.equals;
  return Array.isArray(value) && value.includes(condition.includes);
}

/** Type, then channel, then role: the refusal names the first one no applicable grant allows. */
function checkGrants(grants: Grant[], claims: CallerClaims, request: TokenRequest): void {
  const { type } = request;
  const applicable = grants.filter((g) => holds(g.when, claims));
  if (applicable.length === 0) {
    throw forbidden('type', "no grant of the policy applies to the caller's claims");
  }
  let allowed = applicable.filter((g) => g.types.includes(type));
  if (allowed.length === 0) {
    throw forbidden('type', `no grant of the policy allows this caller ${type} tokens`);
  }
  if ('channel' in request) {
    allowed = allowed.filter((g) =>
      g.channels.some((p) => matchesChannel(p, request.channel, claims)),
    );
    if (allowed.length === 0) {
      throw forbidden(
        'channel',
        `no grant allowing ${type} tokens to this caller matches the channel`,
      );
    }
  }
  if ('role' in request && !allowed.some((g) => g.roles.includes(request.role))) {
    throw forbidden(
      'role',
      `no grant allowing ${type} tokens to this caller in this channel allows role ${request.role}`,
    );
  }
}

/** The caller's claim `name` when `schema` accepts it, else undefined. */
function claimAs<T>(schema: z.ZodType<T>, claims: CallerClaims, name: string | undefined) {
  if (name === undefined) return undefined;
  const parsed = schema.safeParse(claims[name]);
  return parsed.success ? parsed.data : undefined;
}

const noClaim = (field: string, claim: string, holding: string) =>
  forbidden(field, `the caller's token has no ${claim} claim holding ${holding}`);

/**
 * Binds the RTC user to the caller: a bound field must be the claim's value, and the other
 * kind of user is refused (it would escape the binding). A request naming neither gets the
 * first bound claim that holds one, the uid first.
 */
function bindRtcUser(
  identity: AgoraPolicy['identity'],
  claims: CallerClaims,
  request: RequestedUser,
): RequestedUser {
  if (identity.uid === undefined && identity.account === undefined) return {};
  const uidClaim = claimAs(uidField, claims, identity.uid);
  // uid 0 would let anyone join as anyone.
  const uid = uidClaim === 0 ? undefined : uidClaim;
  const account = claimAs(accountField, claims, identity.account);
  if (request.uid !== undefined) {
    if (identity.uid === undefined) {
      throw forbidden(
        'uid',
        `the policy binds the account to the ${identity.account} claim: send account, or neither`,
      );
    }
    if (request.uid === 0) {
      throw forbidden('uid', 'uid 0 (any user) is refused: the policy binds the uid to the caller');
    }
    if (uid === undefined) throw noClaim('uid', identity.uid, 'a uid from 1 to 4294967295');
    if (request.uid !== uid) {
      throw forbidden('uid', `uid must be the caller's own (the ${identity.uid} claim)`);
    }
    return { uid };
  }
  if (request.account !== undefined) {
    if (identity.account === undefined) {
      throw forbidden(
        'account',
        `the policy binds the uid to the ${identity.uid} claim: send uid, or neither`,
      );
    }
    if (account === undefined) throw noClaim('account', identity.account, 'an account');
    if (request.account !== account) {
      throw forbidden(
        'account',
        `account must be the caller's own (the ${identity.account} claim)`,
      );
    }
    return { account };
  }
  if (uid !== undefined) return { uid };
  if (account !== undefined) return { account };
  throw identity.uid !== undefined
    ? noClaim('uid', identity.uid, 'a uid from 1 to 4294967295')
    : noClaim('account', identity.account!, 'an account');
}

/**
 * An RTM or Chat user id bound to the caller: it must be the text of one of the bound claims,
 * and is filled in from the first one that is a valid id of that kind.
 */
function bindUserId(
  identity: AgoraPolicy['identity'],
  claims: CallerClaims,
  requested: string | undefined,
  field: string,
  schema: z.ZodType<string>,
): string | undefined {
  if (identity.uid === undefined && identity.account === undefined) return requested;
  const own = [
    claimAs(uidField, claims, identity.uid),
    claimAs(accountField, claims, identity.account),
  ]
    .filter((id) => id !== undefined && id !== 0)
    .map(String);
  const claimsText = [identity.uid, identity.account].filter(Boolean).join(' or ');
  if (requested !== undefined) {
    if (!own.includes(requested)) {
      throw forbidden(field, `${field} must be the caller's own (the ${claimsText} claim)`);
    }
    return requested;
  }
  const usable = own.find((id) => schema.safeParse(id).success);
  if (usable === undefined) throw noClaim(field, claimsText, `a valid ${field}`);
  return usable;
}

/** Shortens the token and its privileges to `maxExpiry`. */
function clamp(request: TokenRequest, maxExpiry: number | undefined): TokenRequest {
  if (maxExpiry === undefined || request.expiry <= maxExpiry) return request;
  const shortened: Record<string, unknown> = { ...request, expiry: maxExpiry };
  for (const name of [...rtcExpiryFields, 'rtmExpiry']) {
    const seconds = shortened[name];
    if (typeof seconds === 'number') shortened[name] = Math.min(seconds, maxExpiry);
  }
  return shortened as unknown as TokenRequest;
}

/**
 * Decides whether the verified caller may mint `request` under `policy`: some grant that
 * applies to the caller's claims must allow its type, channel and role. The token's user is
 * bound to the caller's identity claims (filled in when absent) and its lifetime clamped.
 * Refusals are 403s naming the field and the rule; an Agora Conversational AI token names
 * the agent, not the caller, so only its grant is checked.
 */
export function authorize<R extends TokenRequest>(
  policy: AgoraPolicy,
  claims: CallerClaims,
  request: R,
): R {
  checkGrants(policy.grants, claims, request);
  const { identity } = policy;
  const bound = ((): TokenRequest => {
    const asked: TokenRequest = request;
    switch (asked.type) {
      case 'rtc':
        return { ...asked, ...bindRtcUser(identity, claims, asked) };
      case 'rte': {
        const user = bindRtcUser(identity, claims, asked);
        const rtmUid =
          asked.rtmUid === undefined
            ? undefined
            : bindUserId(identity, claims, asked.rtmUid, 'rtmUid', rtmUserField);
        return { ...asked, ...user, rtmUid };
      }
      case 'rtm':
        return { ...asked, uid: bindUserId(identity, claims, asked.uid, 'uid', rtmUserField) };
      case 'chat':
        return { ...asked, uid: bindUserId(identity, claims, asked.uid, 'uid', chatUserField) };
      case 'convoai':
        return asked;
    }
  })();
  return clamp(bound, policy.maxExpiry) as R;
}
