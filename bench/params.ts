/** What every server is asked for; identical so that only the serving stack differs. */
export const benchApp = {
  appId: '970ca35de60c44645bbae8a215061b33',
  appCertificate: '5cfd2fd1755d40ecb72977518be15d3b',
};

export const agoraPath = '/api/agora/rtc?channel=bench&uid=42&role=publisher&expiry=3600';

/** The Kinto service's name, and the path proxied below it. */
export const kintoService = 'echo';
export const kintoPath = `/api/kinto/services/${kintoService}/items/42?view=full`;

/** Messages a server child sends its parent. */
export type ServerMessage =
  | { kind: 'ready'; url: string }
  /** Answer to a `usage` request: CPU microseconds used so far. */
  | { kind: 'usage'; cpuMicros: number };
