import { randomBytes } from 'node:crypto';
import type { DemoStandIn } from '../../src/provider';
import { buildRtcToken } from './tokens';

/**
 * Agora has no local stand-in: the demo signs with freshly generated credentials, so tokens
 * are well formed and verifiable by `/inspect` but Agora's cloud will not accept them.
 */
export async function startAgoraDemo(): Promise<DemoStandIn> {
  const appId = randomBytes(16).toString('hex');
  const appCertificate = randomBytes(16).toString('hex');
  const adminKey = randomBytes(24).toString('base64url');
  const sample = buildRtcToken({ appId, appCertificate }, 'demo', { uid: 42 }, 'publisher', 600);
  return {
    env: {
      AGORA_APP_ID: appId,
      AGORA_APP_CERTIFICATE: appCertificate,
      AGORA_COMPAT_ROUTES: 'true',
      AGORA_ADMIN_KEY: adminKey,
    },
    banner: (url) => [
      `DEMO credentials (generated for this run; they mint well-formed tokens that Agora's cloud will not accept):`,
      `  AGORA_APP_ID=${appId}`,
      `  AGORA_APP_CERTIFICATE=${appCertificate}`,
      `  AGORA_ADMIN_KEY=${adminKey}`,
      `curl '${url}/api/agora/rtc?channel=demo&uid=42&role=publisher&expiry=600'`,
      `curl '${url}/api/agora/rtc?channel=demo&account=alice&role=subscriber'`,
      `curl '${url}/api/agora/rtm?uid=alice'`,
      `curl '${url}/api/agora/rte?channel=demo&uid=42'`,
      `curl '${url}/api/agora/chat?uid=alice'`,
      `curl -H 'Authorization: Bearer ${adminKey}' '${url}/api/agora/chat/app'`,
      `curl '${url}/api/agora/token?type=rtm&uid=alice'`,
      `curl -X POST -H 'Content-Type: application/json' -d '{"token":"${sample}"}' ${url}/api/agora/inspect`,
      `curl ${url}/ping`,
      `curl ${url}/rtc/demo/publisher/uid/42?expiry=600`,
      `curl ${url}/rtc/demo/audience/userAccount/alice`,
      `curl ${url}/rtm/alice`,
      `curl ${url}/rte/demo/publisher/uid/42`,
      `curl -X POST -H 'Content-Type: application/json' -d '{"tokenType":"rtc","channel":"demo","role":"publisher","uid":"42","expire":600}' ${url}/getToken`,
    ],
    close: async () => {},
  };
}
