import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger, textLine } from '../src/logger';
import { call, startGateway, type TestGateway } from './support/gateway';
import { sampleProvider } from './support/sample-provider';

describe('logging (pino)', () => {
  const capture = (format: 'json' | 'text') => {
    const lines: string[] = [];
    return { lines, logger: createLogger({ format, level: 'debug', write: (l) => lines.push(l) }) };
  };

  it('censors secret-bearing fields, as a second line of defence', () => {
    const { lines, logger } = capture('json');
    logger.child({ provider: 'p' }).warn('oops', {
      clientSecret: 'cs-123456',
      token: 'tok-123456',
      nested: { authorization: 'Bearer abc-123456', password: 'pw-123456' },
      headers: { 'kinto-authorization': 'Bearer kt-123456' },
      kept: 'visible',
    });
    expect(lines).toHaveLength(1);
    for (const secret of ['cs-123456', 'tok-123456', 'abc-123456', 'pw-123456', 'kt-123456']) {
      expect(lines[0]).not.toContain(secret);
    }
    const entry = JSON.parse(lines[0]!);
    expect(entry).toMatchObject({ level: 'warn', msg: 'oops', provider: 'p', kept: 'visible' });
    expect(entry.token).toBe('[redacted]');
    expect(Date.parse(entry.time)).not.toBeNaN();
  });

  it('writes readable text lines', () => {
    const { lines, logger } = capture('text');
    logger.info('request', { method: 'GET', route: '/api/x', status: 200, note: 'a b' });
    logger.debug('plain');
    expect(lines[0]).toMatch(
      /^\d{4}-\d\d-\d\dT[\d:.]+Z INFO {2}request method=GET route=\/api\/x status=200 note="a b"$/,
    );
    expect(lines[1]).toMatch(/ DEBUG plain$/);
    expect(textLine('{"time":"t","level":"error","msg":"m","x":{"a":1}}')).toBe(
      't ERROR m x="{\\"a\\":1}"',
    );
  });

  it('honours the level', () => {
    const lines: string[] = [];
    const logger = createLogger({ level: 'warn', write: (l) => lines.push(l) });
    logger.info('hidden');
    logger.warn('shown');
    expect(lines).toHaveLength(1);
  });
});

describe('metrics (prom-client)', () => {
  let gw: TestGateway;
  beforeAll(async () => {
    gw = await startGateway({
      definitions: [sampleProvider()],
      env: { SAMPLE_SECRET: 'sample-secret-value-123' },
      defaultMetrics: true,
    });
  });
  afterAll(() => gw.close());

  it('serves request, token and process metrics in the Prometheus text format', async () => {
    await call(`${gw.url}/api/sample/token?user=a`);
    await call(`${gw.url}/api/sample/token`);
    const res = await call(`${gw.url}/metrics`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
    const sample =
      /^[a-zA-Z_:][a-zA-Z0-9_:]*(\{[a-zA-Z_][a-zA-Z0-9_]*="(?:[^"\\]|\\.)*"(,[a-zA-Z_][a-zA-Z0-9_]*="(?:[^"\\]|\\.)*")*\})? (-?[0-9.e+-]+|NaN|\+Inf|-Inf)$/;
    for (const line of res.text.trim().split('\n')) {
      if (line === '' || line.startsWith('# HELP ') || line.startsWith('# TYPE ')) continue;
      expect(line).toMatch(sample);
    }
    expect(res.text).toMatch(/tokengate_requests_total\{provider="sample",status="200"\} 1/);
    expect(res.text).toMatch(/tokengate_requests_total\{provider="sample",status="400"\} 1/);
    expect(res.text).toMatch(
      /tokengate_http_request_duration_seconds_bucket\{le="\+Inf",provider="sample",route="\/api\/sample\/token",status_class="2xx"\} 1/,
    );
    expect(res.text).toMatch(/# TYPE tokengate_tokens_issued_total counter/);
    expect(res.text).toMatch(/# TYPE tokengate_upstream_duration_seconds histogram/);
    expect(res.text).toMatch(/tokengate_process_cpu_seconds_total \d/);
    expect(res.text).toMatch(/tokengate_nodejs_eventloop_lag_seconds \d/);
  });
});
