import { errorFromResponse, reasonOf, TokengateError } from './errors.js';

/** Where the gateway is, and how to prove who the caller is. */
export interface TokengateOptions {
  /**
   * The gateway's URL, e.g. `https://tokens.example.com` (a path prefix is kept); `''` for
   * the page's own origin.
   */
  baseUrl: string;
  /**
   * Returns the caller's JWT, sent as `Authorization: Bearer …` to Agora's minting routes
   * (needed when the gateway sets `AGORA_CALLER_ISSUER`) and to Bentley. It is called for every
   * such request, so cache the token inside it.
   */
  callerToken?: () => Promise<string>;
}

/** One JSON call to the gateway. */
export interface JsonCall {
  method: 'GET' | 'POST';
  path: string;
  /** Sent as JSON. */
  body?: unknown;
  /** Adds the caller's bearer token when `callerToken` is set. */
  asCaller?: boolean;
}

/** The gateway's HTTP surface as the client modules use it. */
export interface GatewayHttp {
  /** The absolute URL of a gateway path. */
  url(path: string): URL;
  /** Sends a request; fails only when no answer arrives. */
  send(path: string, init?: RequestInit): Promise<Response>;
  /** The parsed JSON answer of a call; a non-2xx answer throws its {@link TokengateError}. */
  json<T>(call: JsonCall): Promise<T>;
}

async function callerHeader(
  callerToken: TokengateOptions['callerToken'],
): Promise<Record<string, string>> {
  if (!callerToken) return {};
  try {
    return { authorization: `Bearer ${await callerToken()}` };
  } catch (error) {
    throw new TokengateError('caller_token', `callerToken() failed: ${reasonOf(error)}`);
  }
}

export function createHttp(options: TokengateOptions): GatewayHttp {
  const base = options.baseUrl.replace(/\/+$/, '');
  const url = (path: string) => new URL(base + path, globalThis.location?.href);

  const send = async (path: string, init?: RequestInit) => {
    try {
      return await fetch(url(path), init);
    } catch (error) {
      throw new TokengateError('network_error', `cannot reach the gateway: ${reasonOf(error)}`);
    }
  };

  return {
    url,
    send,
    async json<T>(call: JsonCall): Promise<T> {
      const headers: Record<string, string> = {
        accept: 'application/json',
        ...(call.body === undefined ? {} : { 'content-type': 'application/json' }),
        ...(call.asCaller ? await callerHeader(options.callerToken) : {}),
      };
      const body = call.body === undefined ? undefined : JSON.stringify(call.body);
      const response = await send(call.path, { method: call.method, headers, body });
      if (!response.ok) throw await errorFromResponse(response);
      try {
        return (await response.json()) as T;
      } catch {
        throw new TokengateError('invalid_response', `${call.path} did not answer JSON`, {
          status: response.status,
          requestId: response.headers.get('x-request-id') ?? undefined,
        });
      }
    },
  };
}
