import fc from 'fast-check';
import { request } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { imsClient } from '../standins/bentley/idps';
import { startDemoProcess, type DemoProcess } from './support/demo-process';
import { exchange, openSocket, parseAnswers, sendAndReset } from './support/raw-socket';

/**
 * The demo gateway, every provider on its local stand-in, attacked from outside its process:
 * raw sockets that reset, lie about framing, oversize every part or trickle; then a seeded
 * corpus of requests over every route it lists. Throughout: the process stays up, no client
 * fault is a 5xx, every error is the JSON envelope with its request id, no secret or minted
 * token appears in an answer or a log line, and memory stays bounded.
 * FC_SEED and FC_RUNS change the corpus.
 */
const seed = Number(process.env.FC_SEED ?? 20261201);
const runs = Number(process.env.FC_RUNS ?? 1500);

/** Percent-encodes as a client would; malformed text is sent as the bytes a client might send. */
const encode = (value: string) => {
  if (/^%[0-9A-F]{2}/i.test(value)) return value;
  try {
    return encodeURIComponent(value);
  } catch {
    return encodeURIComponent(value.replace(/\p{Cs}/gu, '')) + '%ED%A0%80';
  }
};

let demo: DemoProcess;
let secrets: string[];
const minted = new Set<string>();
let rssAtStart = 0;

interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
}

/** A request sent as given: raw path, any method, headers and body. */
function send(method: string, path: string, headers: Record<string, string>, body?: string) {
  const url = new URL(demo.url);
  return new Promise<Answer>((resolve, reject) => {
    const req = request(
      { host: url.hostname, port: url.port, method, path, headers, timeout: 15_000 },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            headers: res.headers,
            text: Buffer.concat(chunks).toString('utf8'),
          }),
        );
        res.on('error', reject);
      },
    );
    req.on('timeout', () => req.destroy(new Error(`${method} ${path} timed out`)));
    req.on('error', reject);
    req.end(body);
  });
}

/** What every answer must satisfy, whatever was asked. */
function checkAnswer(answer: Answer, what: string, method: string) {
  expect(answer.status, what).toBeLessThan(500);
  const everything = `${JSON.stringify(answer.headers)}\n${answer.text}`;
  for (const secret of secrets) expect(everything.includes(secret), what).toBe(false);
  const requestId = answer.headers['x-request-id'];
  expect(requestId, what).toBeTypeOf('string');
  if (answer.status >= 400 && method !== 'HEAD') {
    expect(answer.headers['content-type'], what).toMatch(/^application\/json/);
    const body = JSON.parse(answer.text);
    expect(body.error.code, what).toBeTypeOf('string');
    expect(body.requestId, what).toBe(requestId);
  }
  const json = /^application\/json/.test(String(answer.headers['content-type']));
  if (answer.status === 200 && json && method !== 'HEAD') {
    const token = (JSON.parse(answer.text) as { token?: unknown }).token;
    if (typeof token === 'string' && token.length > 16) minted.add(token);
  }
}

const alive = async () => {
  expect(demo.alive()).toBe(true);
  expect((await send('GET', '/healthz', {})).status).toBe(200);
};

beforeAll(async () => {
  demo = await startDemoProcess({ HEADERS_TIMEOUT: '1000', REQUEST_TIMEOUT: '3000' });
  secrets = [
    demo.shown('AGORA_APP_CERTIFICATE'),
    demo.shown('AGORA_ADMIN_KEY'),
    demo.shown('clientSecret'),
    imsClient.secret,
  ];
  rssAtStart = demo.rss();
}, 60_000);
afterAll(() => demo?.close());

describe('raw sockets against the demo', () => {
  const wsUpgrade = (path: string) =>
    `GET ${path} HTTP/1.1\r\nHost: x\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n` +
    'Sec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n';

  it('survives resets mid-request, mid-body and mid-upgrade', async () => {
    const requests = [
      'GET /api/agora/rtc?chan',
      'POST /api/kinto/token HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{"clie',
      'POST /api/textile/token/challenge HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n5\r\n{"pub',
      wsUpgrade('/api/textile/token/ws'),
      wsUpgrade('/api/textile/other'),
      wsUpgrade('/healthz'),
      'GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: Upgrade\r\nUpgrade: h2c\r\n\r\n',
      'GET /api/kinto/services/articles/articles HTTP/1.1\r\nHost: x\r\nKinto-Authorization: Bearer ',
    ];
    for (const bytes of requests) {
      for (const delay of [0, 5, 50]) await sendAndReset(demo.url, bytes, delay);
    }
    await new Promise((resolve) => setTimeout(resolve, 300));
    await alive();
  });

  it('answers bad framing and oversized parts in the JSON envelope', async () => {
    const cases: Array<[string, number]> = [
      ['GARBAGE\r\n\r\n', 400],
      [
        'GET / HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n',
        400,
      ],
      ['POST /api/agora/rtc HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n', 400],
      [`GET /healthz HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(32 * 1024)}\r\n\r\n`, 431],
      [`GET /api/agora/rtc?${'a=1&'.repeat(8_000)} HTTP/1.1\r\nHost: x\r\n\r\n`, 431],
      [
        `GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n${'X-H: 1\r\n'.repeat(3_000)}\r\n`,
        431,
      ],
      [
        'POST /api/agora/rtc HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 17000\r\n\r\n',
        413,
      ],
      ['GET /healthz HTTP/1.1\r\nHost: a\r\nHost: b\r\nConnection: close\r\n\r\n', 400],
    ];
    for (const [bytes, status] of cases) {
      const { text } = await exchange(demo.url, bytes, 3_000);
      const [answer] = parseAnswers(text);
      expect(answer?.status, bytes.slice(0, 60)).toBe(status);
      expect(JSON.parse(answer!.body).requestId).toBeTypeOf('string');
    }
    await alive();
  });

  it('cuts slow senders with a 408 instead of holding the connection', async () => {
    const socket = await openSocket(demo.url);
    const received: Buffer[] = [];
    socket.on('data', (chunk: Buffer) => received.push(chunk));
    socket.on('error', () => {});
    const closed = new Promise<void>((resolve) => socket.once('close', () => resolve()));
    const header = 'GET /healthz HTTP/1.1\r\nHost: x\r\nX-Slow: ';
    let i = 0;
    const trickle = setInterval(() => {
      if (!socket.destroyed) socket.write(header[i++ % header.length]!);
    }, 100);
    await closed;
    clearInterval(trickle);
    const [answer] = parseAnswers(Buffer.concat(received).toString('latin1'));
    expect(answer?.status).toBe(408);
    await alive();
  }, 15_000);
});

describe('a seeded corpus over every route of the demo', () => {
  const fields = [
    'channel',
    'uid',
    'account',
    'role',
    'expiry',
    'type',
    'id',
    'ident',
    'publicKey',
    'challengeId',
    'signature',
    'token',
    'clientId',
    'clientSecret',
    'tokenType',
    'expire',
    'username',
    'pretty',
    '__proto__',
    'constructor',
  ];
  const nasty = fc.constantFrom(
    '',
    '0',
    '-1',
    '4294967296',
    '1e309',
    'NaN',
    '%ED%A0%80',
    '%FF',
    '%',
    '..',
    '%2e%2e%2f',
    '\u0000',
    '李',
    '\uD800',
    'a'.repeat(5000),
    'publisher',
    'subscriber',
    'rtc',
    'rtm',
    'chat',
    'web-app',
    'demo-app',
    'bbaareqfake',
  );
  const text = fc.oneof(
    nasty,
    fc.string({ maxLength: 40 }),
    fc.string({ unit: 'binary', maxLength: 20 }),
  );
  const segment = fc.oneof(
    nasty.map(encode),
    fc.stringMatching(/^[A-Za-z0-9._~-]{1,16}$/),
    fc.constantFrom('..', '.', '..%2f', '..;', '%5c', 'a%2fb'),
  );
  const query = fc.dictionary(
    fc.oneof(fc.constantFrom(...fields), fc.string({ maxLength: 8 })),
    text,
    {
      maxKeys: 6,
    },
  );
  const body = fc.oneof(
    fc.constant(undefined),
    fc
      .dictionary(
        fc.oneof(fc.constantFrom(...fields), fc.string({ maxLength: 8 })),
        fc.jsonValue({ maxDepth: 2 }),
        { maxKeys: 6 },
      )
      .map((o) => JSON.stringify(o)),
    fc.json({ maxDepth: 2 }),
    fc.string({ maxLength: 60 }),
  );
  const headers = fc.record(
    {
      'content-type': fc.constantFrom(
        'application/json',
        'text/plain',
        'application/json; charset=utf-8',
        'multipart/form-data',
      ),
      authorization: fc.oneof(
        fc.constantFrom('Bearer', 'Bearer a.b.c', 'Basic Og=='),
        text.map((t) => `Bearer ${t.replace(/[^\x21-\x7e]/g, '')}`),
      ),
      'kinto-authorization': fc.oneof(
        fc.constant('Bearer x'),
        fc.stringMatching(/^Bearer [A-Za-z0-9_-]{43}$/),
      ),
      'x-request-id': fc.oneof(fc.stringMatching(/^[A-Za-z0-9._:-]{1,20}$/), fc.constant('bad id')),
      'content-encoding': fc.constantFrom('gzip', 'br', 'identity'),
    },
    { requiredKeys: [] },
  );
  const methods = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS', 'HEAD'];

  it('keeps every promise of the contract', async () => {
    const listed = JSON.parse((await send('GET', '/api/providers', {})).text) as {
      providers: Array<{ routes: Array<{ methods: string[]; path: string }> }>;
    };
    const routes = [
      ...listed.providers.flatMap((p) => p.routes),
      { methods: ['GET'], path: '/healthz' },
      { methods: ['GET'], path: '/readyz' },
      { methods: ['GET'], path: '/metrics' },
      { methods: ['GET'], path: '/api/:nothing' },
      { methods: ['GET'], path: '/:anything' },
    ];
    expect(routes.length).toBeGreaterThan(20);
    const fill = (path: string, parts: string[]) => {
      let i = 0;
      return path
        .replace(
          /\{\/\*[a-z]+\}/gi,
          () => `/${parts[i++ % parts.length]}/${parts[i++ % parts.length]}`,
        )
        .replace(/:[a-z]+\??/gi, () => parts[i++ % parts.length]!);
    };
    const requestArb = fc.record({
      route: fc.constantFrom(...routes),
      method: fc.oneof(fc.constant('route'), fc.constantFrom(...methods)),
      parts: fc.array(segment, { minLength: 1, maxLength: 6 }),
      query,
      body,
      headers,
    });
    await fc.assert(
      fc.asyncProperty(requestArb, async (r) => {
        const method =
          r.method === 'route'
            ? r.route.methods[0] === 'ANY'
              ? 'GET'
              : r.route.methods[0]!
            : r.method;
        const qs = Object.entries(r.query)
          .map(([k, v]) => `${encode(k)}=${encode(v)}`)
          .join('&');
        const path = `${fill(r.route.path, r.parts)}${qs ? `?${qs}` : ''}`;
        const withBody = r.body !== undefined && method !== 'GET' && method !== 'HEAD';
        const headers: Record<string, string> = { ...r.headers };
        if (!withBody) delete headers['content-encoding'];
        const answer = await send(method, path, headers, withBody ? r.body : undefined);
        checkAnswer(answer, `${method} ${path}`, method);
      }),
      { seed, numRuns: runs, endOnFailure: true },
    );
    await alive();
  }, 240_000);
});

describe('afterwards', () => {
  it('wrote no secret and no minted token into any log line, and kept its memory', async () => {
    expect(demo.logs.length).toBeGreaterThan(100);
    const logs = demo.logs.join('\n');
    for (const secret of secrets) expect(logs.includes(secret)).toBe(false);
    for (const token of minted) expect(logs.includes(token)).toBe(false);
    expect(demo.rss() - rssAtStart).toBeLessThan(200 * 1024 * 1024);
    await alive();
  });
});
