import Router from '@koa/router';
import { Validator } from '@seriousme/openapi-schema-validator';
import Ajv2020 from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import { execFile, execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { agoraProvider } from '../providers/agora';
import { errorStatus } from '../src/errors';
import { defineProvider } from '../src/provider';
import { agoraEnv } from './support/agora-fixtures';
import { startAllProviders } from './support/all-providers';
import { checkDocumentedAnswer, documentAt } from './support/documented-answers';
import { call, startGateway, type TestGateway } from './support/gateway';

const run = promisify(execFile);

/** A headless browser, where the machine has one. */
const chromium = (() => {
  try {
    return execFileSync('sh', ['-c', 'command -v chromium || command -v chromium-browser'], {
      encoding: 'utf8',
    }).trim();
  } catch {
    return '';
  }
})();

const openApiMethods = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'];

type Json = Record<string, any>;

/** Every operation of a document, with where it is. */
const operationsOf = (document: Json) =>
  Object.entries<Json>(document.paths).flatMap(([path, item]) =>
    Object.entries<Json>(item).map(([method, operation]) => ({ path, method, operation })),
  );

/** `METHOD route` pairs, `ANY` spelled out as the methods OpenAPI has. */
const routeKeys = (routes: Array<{ methods: string[]; path: string }>) =>
  new Set(
    routes.flatMap(({ methods, path }) =>
      methods
        .flatMap((m) => (m === 'ANY' ? openApiMethods : [m.toLowerCase()]))
        .map((m) => `${m} ${path}`),
    ),
  );

describe('GET /openapi.json with every provider', () => {
  let gw: TestGateway;
  let document: Json;
  beforeAll(async () => {
    gw = await startAllProviders({ AGORA_COMPAT_ROUTES: 'true' });
    document = (await call(`${gw.url}/openapi.json`)).body;
  });
  afterAll(() => gw?.close());

  it('is a valid OpenAPI 3.1 document, by an independent validator', async () => {
    const validator = new Validator();
    const result = await validator.validate(structuredClone(document));
    expect(result.errors).toBeUndefined();
    expect(result.valid).toBe(true);
    expect(validator.version).toBe('3.1');
    expect(() => validator.resolveRefs()).not.toThrow();
    expect(JSON.stringify(document)).not.toContain('#/$defs/');
  });

  it('holds only schemas that compile as strict JSON Schema 2020-12', () => {
    const ajv = new Ajv2020({ strict: true, allowUnionTypes: true });
    addFormats(ajv);
    for (const keyword of Object.keys(document)) ajv.addKeyword({ keyword });
    ajv.addSchema(document, 'openapi');
    for (const name of Object.keys(document.components.schemas)) {
      expect(ajv.getSchema(`openapi#/components/schemas/${name}`), name).toBeTypeOf('function');
    }
  });

  it('describes exactly the routes /api/providers lists, methods included', async () => {
    const { providers } = (await call(`${gw.url}/api/providers`)).body;
    expect(providers.map((p: Json) => p.id)).toEqual(['agora', 'textile', 'bentley', 'kinto']);
    const listed = routeKeys(providers.flatMap((p: Json) => p.routes));
    const documented = new Set(
      operationsOf(document)
        .filter(({ operation }) => !operation.tags.includes('core'))
        .map(({ method, operation }) => `${method} ${operation['x-route']}`),
    );
    expect([...documented].sort()).toEqual([...listed].sort());
    expect(operationsOf(document).filter(({ operation }) => operation['x-undocumented'])).toEqual(
      [],
    );
  });

  it('describes the core routes and this reference', () => {
    const core = operationsOf(document)
      .filter(({ operation }) => operation.tags.includes('core'))
      .map(({ method, path }) => `${method} ${path}`);
    expect(core.sort()).toEqual(
      [
        'get /api/providers',
        'get /client.js',
        'get /docs',
        'get /docs/{asset}',
        'get /healthz',
        'get /metrics',
        'get /openapi.json',
        'get /readyz',
      ].sort(),
    );
  });

  it('splits optional segments and wildcards into OpenAPI paths', () => {
    expect(Object.keys(document.paths)).toEqual(
      expect.arrayContaining([
        '/rte/{channel}/{role}/{tokentype}/{uid}',
        '/rte/{channel}/{role}/{tokentype}/{uid}/{rtmuid}',
        '/api/kinto/services/{service}',
        '/api/kinto/services/{service}/{rest}',
      ]),
    );
    const rtc = document.paths['/rtc/{channel}/{role}/{tokentype}/{uid}'].get;
    expect(rtc.parameters.map((p: Json) => `${p.in}:${p.name}`)).toEqual([
      'path:channel',
      'path:role',
      'path:tokentype',
      'path:uid',
      'query:expiry',
    ]);
  });

  it('has the error envelope with every code, and one response per code', () => {
    const envelope = document.components.schemas.ErrorEnvelope;
    expect(envelope.additionalProperties).toBe(false);
    expect(envelope.properties.error.properties.code.enum).toEqual(Object.keys(errorStatus));
    expect(Object.keys(document.components.responses)).toEqual(Object.keys(errorStatus));
    const rtc = document.paths['/api/agora/rtc'];
    expect(rtc.post.responses['415']).toEqual({
      $ref: '#/components/responses/unsupported_media_type',
    });
    expect(rtc.get.responses['415']).toBeUndefined();
  });

  it('names the security of each route', () => {
    expect(Object.keys(document.components.securitySchemes).sort()).toEqual([
      'adminKey',
      'callerJwt',
      'kintoSession',
    ]);
    expect(document.components.securitySchemes.kintoSession).toMatchObject({
      in: 'header',
      name: 'Kinto-Authorization',
    });
    const paths = document.paths;
    expect(paths['/api/bentley/token'].get.security).toEqual([{ callerJwt: [] }]);
    expect(paths['/api/bentley/token'].get.responses['401']).toBeDefined();
    expect(paths['/api/agora/chat/app'].get.security).toEqual([{ adminKey: [] }]);
    // Open without AGORA_CALLER_ISSUER; the admin key only for a Chat app token.
    expect(paths['/api/agora/rtc'].get.security).toBeUndefined();
    expect(paths['/getToken'].post.security).toEqual([{ adminKey: [] }, {}]);
    expect(paths['/getToken'].get.security).toEqual([{ callerJwt: [] }]);
    expect(paths['/api/kinto/session'].delete.security).toEqual([{ kintoSession: [] }]);
    expect(paths['/api/kinto/public/{clientId}/{service}/{rest}'].get.security).toBeUndefined();
  });

  it('takes numeric fields as JSON numbers or digit strings, with their defaults', () => {
    const query = document.paths['/api/agora/rtc'].get.parameters;
    const field = (name: string) => query.find((p: Json) => p.name === name);
    expect(field('uid').schema).toMatchObject({
      type: ['integer', 'string'],
      minimum: 0,
      maximum: 4294967295,
      pattern: '^\\d{1,10}$',
    });
    expect(field('expiry').schema).toMatchObject({ default: 3600, minimum: 1, maximum: 86400 });
    expect(field('role').schema).toMatchObject({ default: 'publisher' });
    expect(field('channel').required).toBe(true);
    expect(field('uid').required).toBe(false);
  });

  it('gives examples that satisfy their own schemas', () => {
    const ajv = new Ajv2020({ strict: false, allowUnionTypes: true });
    addFormats(ajv);
    for (const keyword of Object.keys(document)) ajv.addKeyword({ keyword });
    ajv.addSchema(document, 'openapi');
    const escape = (key: string) => key.replaceAll('~', '~0').replaceAll('/', '~1');
    let checked = 0;
    const errorExamples = Object.entries<Json>(document.components.responses).map(
      ([code, response]) => ({
        at: `openapi#/components/responses/${code}/content/application~1json/schema`,
        m: response.content['application/json'],
      }),
    );
    for (const { at: schemaAt, m } of errorExamples) {
      const validate = ajv.getSchema(schemaAt)!;
      expect(validate(m.example), `${schemaAt}: ${JSON.stringify(validate.errors)}`).toBe(true);
    }
    for (const { path, method, operation } of operationsOf(document)) {
      const at = `openapi#/paths/${escape(path)}/${method}`;
      const media = (where: string, content: Json = {}) =>
        Object.entries<Json>(content)
          .filter(([type, m]) => type === 'application/json' && m.example !== undefined)
          .map(([type, m]) => ({ at: `${at}/${where}/content/${escape(type)}/schema`, m }));
      const examples = [
        ...media('requestBody', operation.requestBody?.content),
        ...Object.entries<Json>(operation.responses).flatMap(([status, r]) =>
          media(`responses/${status}`, r.content),
        ),
        ...(operation.parameters ?? [])
          .map((p: Json, i: number) => ({ at: `${at}/parameters/${i}/schema`, m: p }))
          .filter(({ m }: Json) => m.example !== undefined),
      ];
      for (const { at: schemaAt, m } of examples) {
        const validate = ajv.getSchema(schemaAt)!;
        expect(validate(m.example), `${schemaAt}: ${JSON.stringify(validate.errors)}`).toBe(true);
        checked += 1;
      }
    }
    expect(checked).toBeGreaterThan(40);
  });
});

describe('the documented-answer check of call()', () => {
  let gw: TestGateway;
  const answer = (status: number, body: unknown, path = '/healthz', method = 'GET') => ({
    method,
    url: `${gw.url}${path}`,
    requestHeaders: new Headers(),
    status,
    headers: new Headers({ 'content-type': 'application/json', 'x-request-id': 'r-1' }),
    text: JSON.stringify(body),
  });
  const envelope = (code: string) => ({ error: { code, message: 'm' }, requestId: 'r-1' });
  beforeAll(async () => {
    gw = await startGateway({ definitions: [agoraProvider], env: agoraEnv });
  });
  afterAll(() => gw.close());

  it('passes documented answers and throws on anything else', async () => {
    const checked = await documentAt(gw.url);
    const check = (received: ReturnType<typeof answer>) => () =>
      checkDocumentedAnswer(checked, received);
    expect(check(answer(200, { status: 'ok' }))).not.toThrow();
    expect(check(answer(200, { status: 'ok', extra: 1 }))).toThrow(/additional/);
    expect(check(answer(201, { status: 'ok' }))).toThrow(/documents only/);
    expect(check(answer(404, envelope('not_found'), '/nowhere'))).not.toThrow();
    expect(check(answer(200, { status: 'ok' }, '/nowhere'))).toThrow(/no documented route/);
    expect(check(answer(404, envelope('invalid_request'), '/nowhere'))).toThrow(/const/);
    expect(check(answer(405, envelope('method_not_allowed'), '/healthz', 'POST'))).toThrow(
      /no Allow header/,
    );
    const { headers, ...withoutId } = answer(200, { status: 'ok' });
    headers.delete('x-request-id');
    expect(check({ ...withoutId, headers })).toThrow(/no X-Request-Id/);
  });

  it('flags the routes of a provider that documents none', async () => {
    const bare = defineProvider({
      id: 'bare',
      title: 'Bare',
      env: { BARE_ON: [] },
      configSchema: z.object({ BARE_ON: z.string() }),
      create() {
        const router = new Router();
        router.get('/thing', (ctx) => {
          ctx.body = { thing: true };
        });
        return { router };
      },
    });
    const bareGw = await startGateway({ definitions: [bare], env: { BARE_ON: '1' } });
    try {
      const { body } = await call(`${bareGw.url}/openapi.json`);
      expect(body.paths['/api/bare/thing'].get['x-undocumented']).toBe(true);
      await expect(call(`${bareGw.url}/api/bare/thing`)).rejects.toThrow(/undocumented answer/);
    } finally {
      await bareGw.close();
    }
  });

  it('documents the playground only where PLAYGROUND mounts it', async () => {
    const playground = await startGateway({
      definitions: [agoraProvider],
      env: { ...agoraEnv, PLAYGROUND: 'true' },
    });
    try {
      const { paths } = (await call(`${playground.url}/openapi.json`)).body;
      for (const path of ['/', '/playground/playground.js', '/playground/playground.css']) {
        expect(paths[path]?.get, path).toBeDefined();
      }
      const page = await call(`${playground.url}/`);
      expect(page.status).toBe(200);
      const { paths: without } = (await call(`${gw.url}/openapi.json`)).body;
      expect(without['/']).toBeUndefined();
    } finally {
      await playground.close();
    }
  });

  it('describes Agora behind a caller check as such', async () => {
    const guarded = await startGateway({
      definitions: [agoraProvider],
      env: {
        ...agoraEnv,
        AGORA_COMPAT_ROUTES: 'true',
        AGORA_CALLER_ISSUER: 'https://issuer.example/',
      },
    });
    try {
      const { paths } = (await call(`${guarded.url}/openapi.json`)).body;
      expect(paths['/api/agora/rtc'].get.security).toEqual([{ callerJwt: [] }]);
      expect(paths['/getToken'].post.security).toEqual([{ callerJwt: [] }, { adminKey: [] }]);
      expect(paths['/api/agora/rtc'].get.responses['503']).toBeDefined();
    } finally {
      await guarded.close();
    }
  });
});

describe('GET /docs', () => {
  let gw: TestGateway;
  beforeAll(async () => {
    gw = await startGateway({ definitions: [agoraProvider], env: agoraEnv });
  });
  afterAll(() => gw.close());

  it('serves Swagger UI whose every script, style and image is same-origin and served', async () => {
    const page = await call(`${gw.url}/docs`);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toMatch(/^text\/html/);
    const urls = [...page.text.matchAll(/\b(?:src|href)="([^"]+)"/g)].map((m) => m[1]!);
    expect(urls.length).toBeGreaterThanOrEqual(4);
    for (const url of urls) {
      const resolved = new URL(url, `${gw.url}/docs`);
      expect(resolved.origin, url).toBe(gw.url);
      const asset = await call(resolved.href);
      expect(asset.status, url).toBe(200);
      expect(asset.text.length, url).toBeGreaterThan(100);
    }
    const init = await call(`${gw.url}/docs/init.js`);
    expect(init.text).toContain("url: '/openapi.json'");
    // Swagger UI otherwise sends the document to validator.swagger.io.
    expect(init.text).toContain('validatorUrl: null');
    expect((await call(`${gw.url}/docs/package.json`)).status).toBe(404);
    expect((await call(`${gw.url}/docs/..%2Fpackage.json`)).status).toBe(404);
  });

  it.skipIf(!chromium)('renders every path in a browser that can reach no other host', async () => {
    const profile = mkdtempSync(join(tmpdir(), 'chromium-'));
    try {
      const { stdout } = await run(
        chromium,
        [
          '--headless',
          '--no-sandbox',
          '--disable-gpu',
          `--user-data-dir=${profile}`,
          '--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1',
          '--virtual-time-budget=10000',
          '--dump-dom',
          `${gw.url}/docs`,
        ],
        { timeout: 60_000, maxBuffer: 64 * 1024 * 1024 },
      );
      const rendered = new Set([...stdout.matchAll(/data-path="([^"]+)"/g)].map((m) => m[1]));
      const { paths } = (await call(`${gw.url}/openapi.json`)).body;
      expect([...rendered].sort()).toEqual(Object.keys(paths).sort());
    } finally {
      rmSync(profile, { recursive: true, force: true });
    }
  });
});

describe('README', () => {
  let gw: TestGateway;
  beforeAll(async () => {
    gw = await startGateway({ definitions: [agoraProvider], env: agoraEnv });
  });
  afterAll(() => gw.close());

  it('shows curl lines for /openapi.json and /docs that work', async () => {
    const readme = readFileSync(join(__dirname, '..', 'README.md'), 'utf8');
    const lines = readme
      .split('\n')
      .filter((line) => /^curl .*127\.0\.0\.1:3000\/(openapi\.json|docs)\b/.test(line));
    expect(lines).toHaveLength(2);
    const [document, docs] = await Promise.all(
      lines.map((line) => run('sh', ['-c', line.replaceAll('http://127.0.0.1:3000', gw.url)])),
    );
    expect(JSON.parse(document!.stdout).openapi).toBe('3.1.1');
    expect(docs!.stdout).toContain('<div id="swagger-ui"></div>');
  });
});
