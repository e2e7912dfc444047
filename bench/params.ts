/** What both servers are asked for; identical so only the serving stack differs. */
export const benchApp = {
  appId: '970ca35de60c44645bbae8a215061b33',
  appCertificate: '5cfd2fd1755d40ecb72977518be15d3b',
};

export const benchPath = '/api/agora/rtc?channel=bench&uid=42&role=publisher&expiry=3600';

/** Messages a server child sends its parent. */
export type ServerMessage =
  | { kind: 'ready'; url: string }
  /** Answer to a `usage` request: CPU microseconds used so far and log lines written. */
  | { kind: 'usage'; cpuMicros: number; logLines: number };
