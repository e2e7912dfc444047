import { GatewayError } from '../../src/errors';
import { rememberSuccess } from '../../src/remember-success';
import { callUpstream, type UpstreamCall } from './upstream-http';

/** Settings shared by every IMS call of one request. */
export type CallContext = Omit<UpstreamCall, 'url' | 'init' | 'what'>;

/**
 * Returns the token endpoint: the configured one, or the `token_endpoint` the authority
 * publishes at `/.well-known/openid-configuration`. A discovered endpoint is remembered;
 * a failure is not, so the next request tries again.
 */
export function createTokenEndpointResolver(settings: {
  tokenUrl?: string;
  authority: string;
}): (call: CallContext) => Promise<string> {
  if (settings.tokenUrl) {
    const { tokenUrl } = settings;
    return async () => tokenUrl;
  }
  const url = `${settings.authority.replace(/\/+$/, '')}/.well-known/openid-configuration`;
  return rememberSuccess(async (call: CallContext) => {
    const what = 'IMS discovery';
    const answer = await callUpstream({
      ...call,
      url,
      what,
      init: { headers: { accept: 'application/json' } },
    });
    if (answer.status !== 200) {
      throw new GatewayError('upstream_error', `${what} answered HTTP ${answer.status}`);
    }
    let endpoint: unknown;
    try {
      endpoint = (JSON.parse(answer.text) as { token_endpoint?: unknown }).token_endpoint;
    } catch {
      throw new GatewayError('upstream_error', `${what} answered invalid JSON`);
    }
    if (typeof endpoint !== 'string' || !URL.canParse(endpoint)) {
      throw new GatewayError('upstream_error', `${what} names no token_endpoint`);
    }
    return endpoint;
  });
}
