import { exportJWK, generateKeyPair, importJWK, SignJWT, type JWK, type JWTPayload } from 'jose';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import Provider, { type ClientMetadata } from 'oidc-provider';

/** How to run one in-process OpenID provider. */
export interface OidcIdpOptions {
  clients: ClientMetadata[];
  /** Scopes the provider knows; a client's `scope` metadata restricts them. */
  scopes?: string[];
  /** Scope granted by every resource server (space separated). */
  resourceScope?: string;
  /** Lifetime of access tokens, in seconds. */
  accessTokenTtl?: number;
  /** Resource (JWT audience) used when a token request names none. */
  defaultResource: string;
}

/** A running OpenID provider issuing JWT access tokens via resource indicators. */
export interface OidcIdp {
  /** `http://127.0.0.1:<port>`, also the base of every endpoint. */
  issuer: string;
  tokenEndpoint: string;
  jwksUri: string;
  /** Requests seen from others than this helper, by kind: `token`, `jwks`, `discovery`. */
  counts: { token: number; jwks: number; discovery: number };
  /** Current signing key ids, newest first. */
  kids(): string[];
  /** Publishes a new signing key (new `kid`) in front of the current ones. */
  rotateKeys(): Promise<void>;
  /** Signs arbitrary claims with the current signing key (for malformed-but-signed tokens). */
  sign(claims: JWTPayload): Promise<string>;
  /** Obtains an access token with the client-credentials grant. */
  clientCredentials(
    client: { id: string; secret: string },
    params?: Record<string, string>,
  ): Promise<{ status: number; body: Record<string, unknown> }>;
  close(): Promise<void>;
}

const formEncode = (value: string) => new URLSearchParams({ v: value }).toString().slice(2);

async function signingKey(): Promise<JWK> {
  const { privateKey } = await generateKeyPair('RS256', { extractable: true });
  const jwk = await exportJWK(privateKey);
  return { ...jwk, kid: `k-${crypto.randomUUID().slice(0, 8)}`, alg: 'RS256', use: 'sig' };
}

/** Starts an `oidc-provider` on an ephemeral port of 127.0.0.1. */
export async function startOidcIdp(options: OidcIdpOptions): Promise<OidcIdp> {
  const counts = { token: 0, jwks: 0, discovery: 0 };
  const keys: JWK[] = [await signingKey()];
  let handler: ((req: IncomingMessage, res: ServerResponse) => void) | undefined;
  const server = createServer((req, res) => {
    const path = (req.url ?? '').split('?')[0];
    if (req.headers['x-test-helper']) return handler!(req, res);
    if (req.method === 'POST' && path === '/token') counts.token += 1;
    if (path === '/jwks') counts.jwks += 1;
    if (path === '/.well-known/openid-configuration') counts.discovery += 1;
    handler!(req, res);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  const build = () => {
    const provider = new Provider(issuer, {
      clients: options.clients,
      jwks: { keys: keys as never },
      scopes: options.scopes ?? ['openid'],
      cookies: { keys: ['test-cookie-key'] },
      ttl: { ClientCredentials: options.accessTokenTtl ?? 3600 },
      features: {
        devInteractions: { enabled: false },
        clientCredentials: { enabled: true },
        resourceIndicators: {
          enabled: true,
          defaultResource: () => options.defaultResource,
          useGrantedResource: () => true,
          getResourceServerInfo: (_ctx, resource) => ({
            audience: resource,
            scope: options.resourceScope ?? 'itwin-platform',
            accessTokenTTL: options.accessTokenTtl ?? 3600,
            accessTokenFormat: 'jwt',
          }),
        },
      },
    });
    // The IdP's own errors are answers to the gateway under test, not test failures.
    provider.on('server_error', () => undefined);
    handler = provider.callback();
  };
  build();

  return {
    issuer,
    tokenEndpoint: `${issuer}/token`,
    jwksUri: `${issuer}/jwks`,
    counts,
    kids: () => keys.map((k) => k.kid!),
    async rotateKeys() {
      keys.unshift(await signingKey());
      build();
    },
    async sign(claims) {
      const [key] = keys;
      return new SignJWT(claims)
        .setProtectedHeader({ alg: 'RS256', kid: key!.kid })
        .sign(await importJWK(key!, 'RS256'));
    },
    async clientCredentials(client, params = {}) {
      const response = await fetch(`${issuer}/token`, {
        method: 'POST',
        headers: {
          'content-type': 'application/x-www-form-urlencoded',
          'x-test-helper': '1',
          authorization: `Basic ${Buffer.from(`${formEncode(client.id)}:${formEncode(client.secret)}`).toString('base64')}`,
        },
        body: new URLSearchParams({ grant_type: 'client_credentials', ...params }).toString(),
      });
      return { status: response.status, body: (await response.json()) as Record<string, unknown> };
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
