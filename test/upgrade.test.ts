import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { textileProvider } from '../providers/textile';
import { startHubEmulator, type HubEmulator } from '../standins/textile/hub-emulator';
import { startGateway, type TestGateway } from './support/gateway';
import { exchange, parseAnswers, sendAndReset, watchUncaught } from './support/raw-socket';
import { sampleProvider } from './support/sample-provider';

const upgradeRequest = (method: string, path: string, upgrade: string, extra = '') =>
  `${method} ${path} HTTP/1.1\r\nHost: x\r\nConnection: Upgrade\r\nUpgrade: ${upgrade}\r\n${extra}\r\n`;

const wsHeaders = 'Sec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n';

describe('Upgrade requests', () => {
  let gw: TestGateway;
  let hub: HubEmulator;
  beforeAll(async () => {
    hub = await startHubEmulator();
    gw = await startGateway({
      definitions: [sampleProvider(), textileProvider],
      env: {
        SAMPLE_SECRET: 'sample-secret-value-123',
        TEXTILE_USER_API_KEY: hub.apiKey,
        TEXTILE_USER_API_SECRET: hub.apiSecret,
        TEXTILE_HUB_URL: hub.url,
      },
    });
  });
  afterAll(async () => {
    await gw.close();
    await hub.close();
  });

  it('survives clients that reset right after an Upgrade request anywhere', async () => {
    const watch = watchUncaught();
    try {
      for (const [path, upgrade] of [
        ['/healthz', 'h2c'],
        ['/api/sample/ws', 'websocket'],
        ['/api/textile/other', 'websocket'],
        ['/api/textile/token/ws', 'websocket'],
        ['/nowhere', 'websocket'],
      ] as const) {
        for (let i = 0; i < 5; i++) {
          await sendAndReset(gw.url, upgradeRequest('GET', path, upgrade, wsHeaders), i);
        }
      }
      await new Promise((resolve) => setTimeout(resolve, 200));
      expect(watch.seen).toEqual([]);
      expect((await fetch(`${gw.url}/healthz`)).status).toBe(200);
    } finally {
      watch.stop();
    }
  });

  it('serves an h2c upgrade request as plain HTTP/1.1, keeping the connection', async () => {
    const { text } = await exchange(gw.url, [
      upgradeRequest('GET', '/healthz', 'h2c', 'HTTP2-Settings: AAMAAABkAARAAAAAAAIAAAAA\r\n'),
      'GET /api/sample/token?user=ann HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n',
    ]);
    const answers = parseAnswers(text);
    expect(answers.map((a) => a.status)).toEqual([200, 200]);
    expect(JSON.parse(answers[0]!.body)).toEqual({ status: 'ok' });
    expect(JSON.parse(answers[1]!.body)).toMatchObject({ token: 't-ann' });
  });

  it('reads the body of an h2c upgrade request', async () => {
    const body = JSON.stringify({ user: 'bob' });
    const { text } = await exchange(
      gw.url,
      upgradeRequest(
        'POST',
        '/api/sample/token',
        'h2c',
        `Content-Type: application/json\r\nContent-Length: ${body.length}\r\n`,
      ) +
        body +
        'GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n',
    );
    const [answer] = parseAnswers(text);
    expect(answer?.status).toBe(200);
    expect(JSON.parse(answer!.body)).toMatchObject({ token: 't-bob' });
  });

  it('refuses WebSocket handshakes with the JSON error envelope', async () => {
    const cases = [
      { request: upgradeRequest('GET', '/api/sample/ws', 'websocket', wsHeaders), status: 404 },
      { request: upgradeRequest('GET', '/nowhere', 'websocket', wsHeaders), status: 404 },
      {
        request: upgradeRequest(
          'GET',
          '/api/textile/token/ws',
          'websocket',
          'Sec-WebSocket-Version: 13\r\nSec-WebSocket-Key: short\r\n',
        ),
        status: 400,
      },
      {
        request: upgradeRequest('POST', '/api/textile/token/ws', 'websocket', wsHeaders),
        status: 405,
      },
      {
        request: upgradeRequest(
          'GET',
          '/api/textile/token/ws',
          'websocket',
          'Sec-WebSocket-Version: 8\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n',
        ),
        status: 400,
      },
    ];
    for (const { request, status } of cases) {
      const { text, closed } = await exchange(gw.url, request);
      const [answer] = parseAnswers(text);
      expect(answer?.status, request).toBe(status);
      expect(answer!.head).toMatch(/\r\nx-request-id: \S+/i);
      expect(answer!.head).toMatch(/\r\ncontent-type: application\/json/i);
      const envelope = JSON.parse(answer!.body);
      expect(envelope.error.code).toBeTypeOf('string');
      expect(envelope.requestId).toBeTypeOf('string');
      expect(closed).toBe(true);
    }
  });
});
