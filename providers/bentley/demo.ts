import type { DemoStandIn } from '../../src/provider';
import { callerAudience, callerClient, startBentleyIdps } from '../../standins/bentley/idps';

/** Two in-process OpenID providers: one plays Bentley IMS, the other the app's caller IdP. */
export async function startBentleyDemo(): Promise<DemoStandIn> {
  const idps = await startBentleyIdps();
  return {
    env: idps.env,
    banner: (baseUrl) => [
      `IMS stand-in ${idps.ims.issuer}, caller IdP ${idps.caller.issuer} (both oidc-provider)`,
      'Get a caller token from the demo IdP, then a Bentley token with it:',
      `  CALLER=$(curl -s -u '${callerClient.id}:${callerClient.secret}' -d grant_type=client_credentials -d scope=app -d resource=${callerAudience} ${idps.caller.issuer}/token | sed -E 's/.*"access_token":"([^"]+)".*/\\1/')`,
      `  curl -s -H "Authorization: Bearer $CALLER" ${baseUrl}/api/bentley/token`,
      `  curl -s -H "Authorization: Bearer $CALLER" ${baseUrl}/getToken`,
    ],
    close: () => idps.close(),
  };
}
