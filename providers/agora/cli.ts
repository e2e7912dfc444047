import type { Command } from 'commander';
import { CliError, type CliHost } from '../../src/cli/host';
import { systemClock } from '../../src/clock';
import { parseInput } from '../../src/http/input';
import type { AgoraConfig } from './config';
import { diagnoseToken, type Diagnosis } from './diagnose';
import { inspectToken, intendedUse, type AgoraKeys, type InspectedToken } from './inspect';
import { createIssuer } from './issue';
import { tokenTypes } from './requests';
import { inspectRequest, parseDiagnoseRequest } from './schemas';

/** Options shared by `inspect` and `diagnose`: what the token is checked with. */
const withKeysOptions = (command: Command) =>
  command
    .option('--certificate <hex>', 'check the signature with this App Certificate, not .env')
    .option('--channel <name>', 'the channel the client joins (a 006 signature covers it)')
    .option('--uid <uid>', 'the uid the client joins with')
    .option('--account <account>', 'the user account the client joins with');

/** The options that were given, as the request fields of the HTTP routes. */
const fieldsOf = (options: Record<string, unknown>, names: readonly string[]) =>
  Object.fromEntries(names.filter((n) => options[n] !== undefined).map((n) => [n, options[n]]));

/**
 * The keys a token is checked with: `--certificate` (with .env's app id, or else the token's
 * own, so that the check is of the signature alone), or .env's.
 */
function keysFor(
  token: string,
  certificate: string | undefined,
  config: AgoraConfig | undefined,
): AgoraKeys {
  if (certificate !== undefined) {
    if (!/^[0-9a-fA-F]{32}$/.test(certificate)) {
      throw new CliError('--certificate must be 32 hexadecimal characters');
    }
    const appId =
      config?.appId ??
      inspectToken(token, { appId: '', appCertificate: certificate }, Date.now()).appId;
    return { appId, appCertificate: certificate };
  }
  if (!config) {
    throw new CliError('set AGORA_APP_ID and AGORA_APP_CERTIFICATE in .env, or pass --certificate');
  }
  return config;
}

function inspectedText(token: InspectedToken): string {
  const lines = [
    `${token.version} token of app ${token.appId}: signature ${token.signature}${token.certificate ? ` (${token.certificate} certificate)` : ''}`,
    `issued ${token.issuedAt}, expires ${token.expiresAt}${token.expired ? ' (expired)' : ''}`,
  ];
  for (const service of token.services) {
    const who = [
      service.channel && `channel ${service.channel}`,
      service.uid !== undefined && `uid ${JSON.stringify(service.uid)}`,
      service.user !== undefined && `user ${JSON.stringify(service.user)}`,
    ]
      .filter(Boolean)
      .join(', ');
    lines.push(`${service.name}${who ? ` (${who})` : ''}`);
    for (const p of service.privileges) lines.push(`  ${p.name} until ${p.expiresAt}`);
  }
  if (token.message) lines.push(token.message);
  return lines.join('\n');
}

const diagnosisText = (diagnosis: Diagnosis) =>
  [
    diagnosis.ok ? 'ok: Agora should accept this token' : 'NOT ok: Agora will reject this token',
    ...diagnosis.findings.map((f) => `${f.severity.padEnd(7)} ${f.code}: ${f.message}`),
  ].join('\n');

/**
 * `tokengate inspect`, `diagnose` and `mint agora`: the functions behind `POST
 * /api/agora/inspect`, `POST /api/agora/diagnose` and the minting routes, on the command line.
 * Minting here skips the caller policy: whoever runs it holds the certificate anyway.
 */
export function agoraCli(host: CliHost, config: () => AgoraConfig | undefined): void {
  withKeysOptions(host.program.command('inspect <token>'))
    .description('decode an Agora 006 or 007 token and check its signature')
    .action((token: string, options: Record<string, string>) => {
      const request = parseInput(inspectRequest, {
        token,
        ...fieldsOf(options, ['channel', 'uid', 'account']),
      });
      const { token: text, ...use } = request;
      const keys = keysFor(text, options.certificate, config());
      host.print(inspectToken(text, keys, Date.now(), intendedUse(use)), inspectedText);
    });

  withKeysOptions(host.program.command('diagnose <token>'))
    .description('say why Agora would reject a token, for what the client is about to do')
    .requiredOption('--service <service>', 'rtc, rtm or chat')
    .option('--role <role>', 'publisher or subscriber')
    .option('--app-id <hex>', 'the App ID the client uses')
    .option('--at <time>', 'when the client uses the token (ISO 8601 or Unix seconds)')
    .action((token: string, options: Record<string, string>) => {
      const request = parseDiagnoseRequest({
        token,
        ...fieldsOf(options, ['service', 'channel', 'uid', 'account', 'role', 'at']),
        ...(options.appId ? { appId: options.appId } : {}),
      });
      const diagnosis = diagnoseToken(
        request,
        keysFor(token, options.certificate, config()),
        Date.now(),
      );
      host.print(diagnosis, diagnosisText);
      if (!diagnosis.ok) host.exitWith(2);
    });

  host.mint
    .command('agora <type>')
    .description(
      `mint an Agora token with .env's credentials: ${[...tokenTypes, 'chat_app'].join(', ')}`,
    )
    .option('--channel <name>')
    .option('--uid <uid>')
    .option('--account <account>')
    .option('--role <role>', 'publisher (default) or subscriber')
    .option('--expiry <seconds>')
    .option('--rtm-uid <id>', 'rte, convoai: the RTM user id')
    .option('--join-expiry <seconds>')
    .option('--audio-expiry <seconds>')
    .option('--video-expiry <seconds>')
    .option('--data-expiry <seconds>')
    .option('--rtm-expiry <seconds>')
    .action((type: string, options: Record<string, string>) => {
      const settings = config();
      if (!settings) throw new CliError('set AGORA_APP_ID and AGORA_APP_CERTIFICATE in .env');
      const issuer = createIssuer(settings, systemClock);
      const fields = fieldsOf(options, [
        'channel',
        'uid',
        'account',
        'role',
        'expiry',
        'rtmUid',
        'joinExpiry',
        'audioExpiry',
        'videoExpiry',
        'dataExpiry',
        'rtmExpiry',
      ]);
      const request =
        type === 'chat_app' ? issuer.parseChatApp(fields) : issuer.parseByType({ ...fields, type });
      const { token, ...rest } = issuer.mint(request);
      const expiresAt = new Date(Date.now() + rest.expiresIn * 1000).toISOString();
      host.print({ token, ...rest, expiresAt }, (answer) => answer.token);
    });
}
