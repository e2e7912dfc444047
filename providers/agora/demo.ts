import { randomBytes } from 'node:crypto';
import type { DemoStandIn } from '../../src/provider';
import { startAgoraCallerIdp } from '../../standins/agora/caller-idp';
import { buildRtcToken } from './tokens';

const json = (body: unknown) =>
  `-X POST -H 'Content-Type: application/json' -d '${JSON.stringify(body)}'`;

/**
 * Agora has no local stand-in: the demo signs with freshly generated credentials, so tokens
 * are well formed and verifiable by `/inspect` but Agora's cloud will not accept them. Minting
 * stays open unless `DEMO_AGORA_POLICY=1`, which puts the sample policy behind a demo IdP.
 */
export async function startAgoraDemo(env: NodeJS.ProcessEnv = process.env): Promise<DemoStandIn> {
  const appId = randomBytes(16).toString('hex');
  const appCertificate = randomBytes(16).toString('hex');
  const adminKey = randomBytes(24).toString('base64url');
  const sample = buildRtcToken({ appId, appCertificate }, 'demo', { uid: 42 }, 'publisher', 600);
  const credentials = [
    `DEMO credentials (generated for this run; they mint well-formed tokens that Agora's cloud will not accept):`,
    `  AGORA_APP_ID=${appId}`,
    `  AGORA_APP_CERTIFICATE=${appCertificate}`,
    `  AGORA_ADMIN_KEY=${adminKey}`,
  ];
  const withoutCallerToken = (url: string) => [
    `curl -H 'Authorization: Bearer ${adminKey}' '${url}/api/agora/chat/app'`,
    `curl ${json({ token: sample })} ${url}/api/agora/inspect`,
    `curl ${json({ token: sample, service: 'rtm', uid: 'alice' })} ${url}/api/agora/diagnose`,
  ];
  const standIn = {
    env: {
      AGORA_APP_ID: appId,
      AGORA_APP_CERTIFICATE: appCertificate,
      AGORA_COMPAT_ROUTES: 'true',
      AGORA_ADMIN_KEY: adminKey,
    },
    close: async () => {},
  };
  if (env.DEMO_AGORA_POLICY !== '1') {
    return {
      ...standIn,
      banner: (url) => [
        ...credentials,
        `curl '${url}/api/agora/rtc?channel=demo&uid=42&role=publisher&expiry=600'`,
        `curl '${url}/api/agora/rtc?channel=demo&account=alice&role=subscriber'`,
        `curl '${url}/api/agora/rtc?channel=demo&uid=42&expiry=600&audioExpiry=60&videoExpiry=60'`,
        `curl '${url}/api/agora/rtm?uid=alice'`,
        `curl '${url}/api/agora/rte?channel=demo&uid=42&rtmUid=alice'`,
        `curl '${url}/api/agora/chat?uid=alice'`,
        `curl '${url}/api/agora/convoai?channel=demo&uid=1001'`,
        `curl '${url}/api/agora/token?type=rtm&uid=alice'`,
        ...withoutCallerToken(url),
        `curl ${url}/ping`,
        `curl ${url}/rtc/demo/publisher/uid/42/?expiry=600`,
        `curl ${url}/rtc/demo/audience/userAccount/alice`,
        `curl ${url}/rtm/alice`,
        `curl ${url}/rte/demo/publisher/uid/42/alice/`,
        `curl ${url}/chat/account/alice/`,
        `curl ${json({ tokenType: 'rtc', channel: 'demo', role: 'publisher', uid: '42', expire: 600 })} ${url}/getToken`,
        'DEMO_AGORA_POLICY=1 npm run demo puts minting behind a demo identity provider and a sample policy.',
      ],
    };
  }

  const callers = await startAgoraCallerIdp();
  const asViewer = (url: string) => `curl -H "Authorization: Bearer $VIEWER" '${url}'`;
  return {
    env: { ...standIn.env, ...callers.env },
    banner: (url) => [
      ...credentials,
      `Callers are verified (AGORA_CALLER_ISSUER=${callers.idp.issuer}, oidc-provider) and AGORA_POLICY=${callers.env.AGORA_POLICY}:`,
      '  agora-demo-host may mint anything; any other caller only subscriber RTC in "lobby" or "room-<its sub>", and RTM; tokens are bound to the caller (account = sub), at most 3600 s.',
      'Get a caller token as agora-demo-viewer, then mint within its grant:',
      `  ${callers.tokenCommand('viewer', 'VIEWER')}`,
      `  ${asViewer(`${url}/api/agora/rtc?channel=lobby&role=subscriber`)}`,
      'Refused (403 naming channel: no grant lets this caller into "backstage"):',
      `  ${asViewer(`${url}/api/agora/rtc?channel=backstage&role=subscriber`)}`,
      'The host may publish anywhere:',
      `  ${callers.tokenCommand('host', 'HOST')}`,
      `  curl -H "Authorization: Bearer $HOST" '${url}/api/agora/rte?channel=backstage'`,
      "Without a caller token: the admin's Chat app token, inspect and diagnose:",
      ...withoutCallerToken(url).map((line) => `  ${line}`),
    ],
    close: () => callers.close(),
  };
}
