import { decodeJwt } from 'jose';
import { GatewayError } from '../../src/errors';
import type { CallContext } from './discovery';
import { callUpstream } from './upstream-http';

/** A client-credentials token request. */
export interface ClientCredentialsRequest {
  tokenUrl: string;
  clientId: string;
  clientSecret: string;
  scope: string;
  /** Sent as `audience`, and as the RFC 8707 `resource` when it is an absolute URI. */
  audience?: string;
  clientAuth: 'client_secret_basic' | 'client_secret_post';
}

/** An access token as the IMS issued it. */
export interface IssuedToken {
  accessToken: string;
  tokenType: string;
  scope: string;
  /** Lifetime in seconds, as announced at issue. */
  expiresIn: number;
}

/** RFC 6749 §2.3.1: id and secret are form-urlencoded before being joined for Basic. */
const formEncode = (value: string) => new URLSearchParams({ v: value }).toString().slice(2);

/** The `Authorization` value of `client_secret_basic`. */
const basicCredentials = (clientId: string, clientSecret: string) =>
  `Basic ${Buffer.from(`${formEncode(clientId)}:${formEncode(clientSecret)}`).toString('base64')}`;

/**
 * The error codes of RFC 6749 §5.2 (and §4.1.2.1's server errors): only these are passed on.
 * Anything else an IMS puts in `error`, and `error_description` always, may quote the secret.
 */
const knownOAuthErrors = new Set([
  'invalid_request',
  'invalid_client',
  'invalid_grant',
  'unauthorized_client',
  'unsupported_grant_type',
  'invalid_scope',
  'invalid_target',
  'access_denied',
  'server_error',
  'temporarily_unavailable',
]);

const oauthCode = (value: unknown) =>
  typeof value === 'string' && knownOAuthErrors.has(value) ? value : undefined;

const defaultLifetimeSec = 300;
/** Longer announced lifetimes are cut to this: a day is ample, and an absurd one breaks dates. */
const maxLifetimeSec = 24 * 3600;

function announcedLifetime(expiresIn: unknown, accessToken: string): number {
  const announced = Number(expiresIn);
  if (Number.isFinite(announced) && announced > 0) return announced;
  try {
    const { exp, iat } = decodeJwt(accessToken);
    const issuedAt = typeof iat === 'number' ? iat : Math.floor(Date.now() / 1000);
    if (typeof exp === 'number') return Math.max(0, exp - issuedAt);
  } catch {
    // an opaque token without expires_in: fall back to a short lifetime
  }
  return defaultLifetimeSec;
}

const lifetimeOf = (expiresIn: unknown, accessToken: string) =>
  Math.min(maxLifetimeSec, announcedLifetime(expiresIn, accessToken));

function parseSuccess(text: string, requestedScope: string): IssuedToken {
  let body: Record<string, unknown>;
  try {
    body = JSON.parse(text) as Record<string, unknown>;
  } catch {
    throw new GatewayError('upstream_error', 'token endpoint answered invalid JSON');
  }
  if (typeof body?.access_token !== 'string' || body.access_token === '') {
    throw new GatewayError('upstream_error', 'token endpoint answered without an access_token');
  }
  const tokenType = typeof body.token_type === 'string' ? body.token_type : 'Bearer';
  return {
    accessToken: body.access_token,
    tokenType: tokenType.toLowerCase() === 'bearer' ? 'Bearer' : tokenType,
    scope: typeof body.scope === 'string' ? body.scope : requestedScope,
    expiresIn: lifetimeOf(body.expires_in, body.access_token),
  };
}

function failure(status: number, text: string): GatewayError {
  let code: string | undefined;
  try {
    code = oauthCode((JSON.parse(text) as { error?: unknown }).error);
  } catch {
    // not an RFC 6749 error body
  }
  if (code && status < 500) {
    return new GatewayError('upstream_error', `token endpoint refused the request: ${code}`);
  }
  const detail = code ? ` (${code})` : '';
  return new GatewayError('upstream_error', `token endpoint answered HTTP ${status}${detail}`);
}

/**
 * Asks the IMS for a token with the client-credentials grant (RFC 6749 §4.4), within the
 * call's deadline. Failures are GatewayErrors whose messages never quote the credentials.
 */
export async function requestClientCredentials(
  request: ClientCredentialsRequest,
  call: CallContext,
): Promise<IssuedToken> {
  const form = new URLSearchParams({ grant_type: 'client_credentials' });
  if (request.scope) form.set('scope', request.scope);
  if (request.audience) {
    form.set('audience', request.audience);
    if (/^[a-z][a-z0-9+.-]*:/i.test(request.audience)) form.set('resource', request.audience);
  }
  const headers: Record<string, string> = {
    'content-type': 'application/x-www-form-urlencoded',
    accept: 'application/json',
  };
  if (request.clientAuth === 'client_secret_post') {
    form.set('client_id', request.clientId);
    form.set('client_secret', request.clientSecret);
  } else {
    headers.authorization = basicCredentials(request.clientId, request.clientSecret);
  }
  const answer = await callUpstream({
    ...call,
    url: request.tokenUrl,
    what: 'token endpoint',
    init: { method: 'POST', headers, body: form.toString(), redirect: 'error' },
  });
  if (answer.status !== 200) throw failure(answer.status, answer.text);
  return parseSuccess(answer.text, request.scope);
}
