import { startOidcIdp, type OidcIdp } from '../oidc-idp';

/** The IMS client of the gateway; the secret needs RFC 6749 §2.3.1 encoding in Basic. */
export const imsClient = { id: 'itwin-token-server', secret: 'S3cr%t+with:odd/chars zz' };
/** A second IMS client registered for `client_secret_post`. */
export const imsPostClient = { id: 'itwin-post-client', secret: 'p0st-secret-value-xyz' };
/** The app whose users call the gateway, registered at the caller's IdP. */
export const callerClient = { id: 'itwin-mobile-app', secret: 'caller-secret-value' };
/** The audience of caller tokens the gateway accepts. */
export const callerAudience = 'https://tokengate.test/api';
export const imsScope = 'itwin-platform';
export const imsAudience = 'https://api.bentley.test';

/** Two OpenID providers: one plays Bentley IMS, the other the app's identity provider. */
export interface BentleyIdps {
  ims: OidcIdp;
  caller: OidcIdp;
  /** A caller access token for `audience` (default {@link callerAudience}). */
  callerToken(audience?: string): Promise<string>;
  /** Gateway variables pointing the Bentley provider at both. */
  env: Record<string, string>;
  close(): Promise<void>;
}

const confidential = (
  client: { id: string; secret: string },
  method: 'client_secret_basic' | 'client_secret_post',
  scope: string,
) => ({
  client_id: client.id,
  client_secret: client.secret,
  grant_types: ['client_credentials'],
  response_types: [],
  redirect_uris: [],
  token_endpoint_auth_method: method,
  scope,
});

export async function startBentleyIdps(
  options: { imsTokenTtl?: number } = {},
): Promise<BentleyIdps> {
  const ims = await startOidcIdp({
    clients: [
      confidential(imsClient, 'client_secret_basic', imsScope),
      confidential(imsPostClient, 'client_secret_post', imsScope),
    ],
    scopes: ['openid', imsScope, 'itwin-admin'],
    resourceScope: imsScope,
    accessTokenTtl: options.imsTokenTtl ?? 3600,
    defaultResource: imsAudience,
  });
  const caller = await startOidcIdp({
    clients: [confidential(callerClient, 'client_secret_basic', 'app')],
    scopes: ['openid', 'app'],
    resourceScope: 'app',
    accessTokenTtl: 3600,
    defaultResource: callerAudience,
  });
  return {
    ims,
    caller,
    async callerToken(audience = callerAudience) {
      const { status, body } = await caller.clientCredentials(callerClient, {
        scope: 'app',
        resource: audience,
      });
      if (status !== 200) throw new Error(`caller IdP answered ${status}`);
      return body.access_token as string;
    },
    env: {
      BENTLEY_CLIENT_ID: imsClient.id,
      BENTLEY_CLIENT_SECRET: imsClient.secret,
      BENTLEY_SCOPE: imsScope,
      BENTLEY_AUTHORITY: ims.issuer,
      BENTLEY_CALLER_ISSUER: caller.issuer,
      BENTLEY_CALLER_AUDIENCE: callerAudience,
    },
    close: async () => {
      await Promise.all([ims.close(), caller.close()]);
    },
  };
}
