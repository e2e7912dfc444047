import { join } from 'node:path';
import { startOidcIdp, type OidcIdp } from '../oidc-idp';

/** The demo's callers, registered at the IdP: the policy grants the host more than the viewer. */
export const demoCallers = {
  viewer: { id: 'agora-demo-viewer', secret: 'viewer-demo-secret' },
  host: { id: 'agora-demo-host', secret: 'host-demo-secret' },
} as const;

/** The audience of the caller tokens the gateway accepts. */
export const demoCallerAudience = 'https://tokengate.demo/agora';

/** The sample policy `DEMO_AGORA_POLICY=1` turns on. */
export const demoPolicyPath = join(__dirname, 'demo-policy.json');

/** An OpenID provider issuing the demo callers' tokens (client credentials: `sub` is the client id). */
export interface AgoraCallerIdp {
  idp: OidcIdp;
  /** Gateway variables: this IdP as the caller issuer, and the sample policy. */
  env: Record<string, string>;
  /** A shell line that puts a caller token of `caller` into `$<variable>`. */
  tokenCommand(caller: keyof typeof demoCallers, variable: string): string;
  close(): Promise<void>;
}

export async function startAgoraCallerIdp(): Promise<AgoraCallerIdp> {
  const idp = await startOidcIdp({
    clients: Object.values(demoCallers).map((client) => ({
      client_id: client.id,
      client_secret: client.secret,
      grant_types: ['client_credentials'],
      response_types: [],
      redirect_uris: [],
    })),
    resourceScope: 'agora',
    defaultResource: demoCallerAudience,
  });
  return {
    idp,
    env: {
      AGORA_CALLER_ISSUER: idp.issuer,
      AGORA_CALLER_AUDIENCE: demoCallerAudience,
      AGORA_POLICY: demoPolicyPath,
    },
    tokenCommand(caller, variable) {
      const { id, secret } = demoCallers[caller];
      return `${variable}=$(curl -s -u '${id}:${secret}' -d grant_type=client_credentials -d resource=${demoCallerAudience} ${idp.tokenEndpoint} | sed -E 's/.*"access_token":"([^"]+)".*/\\1/')`;
    },
    close: () => idp.close(),
  };
}
