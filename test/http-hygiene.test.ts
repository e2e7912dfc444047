import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, postJson, startGateway, type TestGateway } from './support/gateway';
import { exchange, parseAnswers } from './support/raw-socket';
import { sampleProvider } from './support/sample-provider';

const head = (lines: string[]) => `${lines.join('\r\n')}\r\n\r\n`;

/** The JSON envelope of a raw answer, checked for shape and request id. */
function envelopeOf(answer: { head: string; body: string } | undefined) {
  expect(answer).toBeDefined();
  expect(answer!.head).toMatch(/\r\ncontent-type: application\/json/i);
  const requestId = /\r\nx-request-id: (\S+)/i.exec(answer!.head)?.[1];
  const body = JSON.parse(answer!.body);
  expect(body.requestId).toBe(requestId);
  return body as { error: { code: string; message: string; field?: string } };
}

describe('HTTP hygiene', () => {
  let gw: TestGateway;
  beforeAll(async () => {
    gw = await startGateway({
      definitions: [sampleProvider()],
      env: { SAMPLE_SECRET: 'sample-secret-value-123', HEADERS_TIMEOUT: '500' },
    });
  });
  afterAll(() => gw.close());

  describe('protocol errors Node answers before Koa', () => {
    it.each([
      ['a bad request line', 'GARBAGE\r\n\r\n', 400],
      [
        'both Content-Length and Transfer-Encoding',
        head([
          'POST /api/sample/token HTTP/1.1',
          'Host: x',
          'Content-Length: 3',
          'Transfer-Encoding: chunked',
        ]) + '0\r\n\r\n',
        400,
      ],
      [
        'bad chunking',
        head(['POST /api/sample/token HTTP/1.1', 'Host: x', 'Transfer-Encoding: chunked']) +
          'zz\r\n',
        400,
      ],
      [
        'oversized headers',
        head(['GET /healthz HTTP/1.1', 'Host: x', `X-Big: ${'a'.repeat(20_000)}`]),
        431,
      ],
    ])('answers %s in the JSON envelope', async (_name, bytes, status) => {
      const { text, closed } = await exchange(gw.url, bytes);
      const [answer] = parseAnswers(text);
      expect(answer?.status).toBe(status);
      envelopeOf(answer);
      expect(closed).toBe(true);
    });

    it('answers 408 to a client that never finishes its headers', async () => {
      const { text, closed } = await exchange(
        gw.url,
        'GET /healthz HTTP/1.1\r\nHost: x\r\n',
        4_000,
      );
      const [answer] = parseAnswers(text);
      expect(answer?.status).toBe(408);
      expect(envelopeOf(answer).error.code).toBe('request_timeout');
      expect(closed).toBe(true);
    });
  });

  describe('early answers on a kept-alive connection', () => {
    it('closes the connection after refusing a body it did not read', async () => {
      const { text, closed } = await exchange(
        gw.url,
        head([
          'POST /api/sample/token HTTP/1.1',
          'Host: x',
          'Content-Type: application/json',
          'Content-Length: 20000',
        ]),
      );
      const [answer] = parseAnswers(text);
      expect(answer?.status).toBe(413);
      expect(answer!.head).toMatch(/\r\nconnection: close/i);
      expect(closed).toBe(true);
    });

    it('answers the next request when the refused body was sent whole', async () => {
      const { text } = await exchange(gw.url, [
        head([
          'POST /api/sample/token HTTP/1.1',
          'Host: x',
          'Content-Type: text/plain',
          'Content-Length: 6',
        ]) + 'user=x',
        head(['GET /api/sample/token?user=ann HTTP/1.1', 'Host: x', 'Connection: close']),
      ]);
      const answers = parseAnswers(text);
      expect(answers[0]?.status).toBe(415);
      // Either the connection was closed after the 415, or the next request was answered.
      if (answers.length > 1) expect(answers[1]?.status).toBe(200);
      else expect(answers[0]!.head).toMatch(/\r\nconnection: close/i);
    });
  });

  it('refuses more than 1000 query parameters instead of cutting them', async () => {
    const many = Array.from({ length: 1001 }, (_, i) => `p${i}=1`).join('&');
    const res = await call(`${gw.url}/api/sample/token?${many}&user=ann`);
    expect(res.status).toBe(400);
    expect(res.body.error.message).toMatch(/too many parameters/);
    const ok = Array.from({ length: 998 }, (_, i) => `p${i}=1`).join('&');
    expect((await call(`${gw.url}/api/sample/token?${ok}&user=ann`)).status).toBe(200);
  });

  it('takes gzip and deflate bodies and refuses other content encodings with 415', async () => {
    const url = `${gw.url}/api/sample/token`;
    const gzipped = await call(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'content-encoding': 'gzip' },
      body: gzipSync(JSON.stringify({ user: 'zip' })),
    });
    expect(gzipped.status).toBe(200);
    expect(gzipped.body.token).toBe('t-zip');
    for (const encoding of ['br', 'zstd', 'compress', 'gzip, gzip']) {
      const res = await call(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'content-encoding': encoding },
        body: '{"user":"x"}',
      });
      expect(res.status, encoding).toBe(415);
      expect(res.body.error.code).toBe('unsupported_media_type');
    }
  });

  it('parses a JSON body with __proto__ safely instead of calling it invalid', async () => {
    const res = await call(`${gw.url}/api/sample/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"__proto__":{"polluted":true},"constructor":{"prototype":{"polluted":true}},"user":"ann"}',
    });
    expect(res.status).toBe(200);
    expect(res.body.token).toBe('t-ann');
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('answers a wrong method on a known route with 405 and Allow', async () => {
    const res = await call(`${gw.url}/api/sample/token`, { method: 'DELETE' });
    expect(res.status).toBe(405);
    expect(res.body.error.code).toBe('method_not_allowed');
    expect(res.headers.get('allow')?.split(/, */).sort()).toEqual(['GET', 'HEAD', 'POST']);
    const core = await call(`${gw.url}/healthz`, { method: 'POST' });
    expect(core.status).toBe(405);
    expect(core.headers.get('allow')).toMatch(/GET/);
    const root = await call(`${gw.url}/sample-compat`, { method: 'PUT' });
    expect(root.status).toBe(405);
    expect((await call(`${gw.url}/api/sample/nowhere`, { method: 'DELETE' })).status).toBe(404);
  });

  it('refuses invalid UTF-8 and lone surrogates in a field instead of signing U+FFFD', async () => {
    for (const value of ['%ED%A0%80', '%FF', '%C3', 'a%E2%82']) {
      const res = await call(`${gw.url}/api/sample/token?user=${value}`);
      expect(res.status, value).toBe(400);
      expect(res.body.error.field).toBe('user');
    }
    const surrogate = await call(`${gw.url}/api/sample/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"user":"\\ud800"}',
    });
    expect(surrogate.status).toBe(400);
    expect(surrogate.body.error.field).toBe('user');
    const badBytes = await call(`${gw.url}/api/sample/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: Buffer.concat([Buffer.from('{"user":"'), Buffer.from([0xff, 0xfe]), Buffer.from('"}')]),
    });
    expect(badBytes.status).toBe(400);
    expect((await call(`${gw.url}/api/sample/token?user=%E2%82%AC`)).body.token).toBe('t-€');
  });

  it('refuses a path whose percent-encoding does not decode', async () => {
    for (const path of ['/sample-compat%E0%A4%A', '/api/sample/token%FF', '/api/%zz']) {
      const res = await call(`${gw.url}${path}`);
      expect(res.status, path).toBe(400);
      expect(res.body.error.field).toBe('path');
    }
    expect((await call(`${gw.url}/api/sample/token%3Fx?user=a`)).status).toBe(404);
  });

  it('refuses a request with two Host headers', async () => {
    const { text } = await exchange(
      gw.url,
      head(['GET /healthz HTTP/1.1', 'Host: a.example', 'Host: b.example', 'Connection: close']),
    );
    const [answer] = parseAnswers(text);
    expect(answer?.status).toBe(400);
    expect(envelopeOf(answer).error.field).toBe('host');
  });

  it('never echoes or logs an unmatched path, and logs route patterns', async () => {
    const secret = 'bbaareqsecretprivatekeymaterialinapath';
    const res = await call(`${gw.url}/api/sample/token/${secret}`, {
      headers: { 'x-request-id': 'path-secret-1' },
    });
    expect(res.status).toBe(404);
    expect(res.text).not.toContain(secret);
    const root = await call(`${gw.url}/${secret}`, {
      headers: { 'x-request-id': 'path-secret-2' },
    });
    expect(root.text).not.toContain(secret);
    await call(`${gw.url}/api/sample/token?user=ann`, { headers: { 'x-request-id': 'route-1' } });
    const logs = gw.logs.join('\n');
    expect(logs).not.toContain(secret);
    expect(gw.logs.find((l) => l.includes('requestId=path-secret-1'))).toContain(
      'route=/api/sample/*',
    );
    expect(gw.logs.find((l) => l.includes('requestId=route-1'))).toContain(
      'route=/api/sample/token',
    );
  });

  it('still answers after all of the above', async () => {
    expect((await postJson(`${gw.url}/api/sample/token`, { user: 'end' })).status).toBe(200);
  });
});
