import Ajv2020, { type ValidateFunction } from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import { createHash } from 'node:crypto';
import { match } from 'path-to-regexp';
import { errorStatus, type ErrorCode } from '../../src/errors';

type Json = { [key: string]: any };

/** An operation of the document, found by the router path it names (`x-route`). */
interface DocumentedOperation {
  method: string;
  route: string;
  matches: (path: string) => boolean;
  operation: Json;
}

/** A gateway's document, ready to check answers: compiled once per distinct document. */
interface CheckedDocument {
  document: Json;
  operations: DocumentedOperation[];
  /** The validator of a schema of the document. */
  validator(schema: Json): ValidateFunction;
}

/** What a request received, as `call()` reads it. */
export interface ReceivedAnswer {
  method: string;
  url: string;
  requestHeaders: Headers;
  status: number;
  headers: Headers;
  text: string;
}

// Answered before or without any route: the request head's checks, the provider's client
// budget (applied before its routes are matched), and the unexpected.
const unrouted = ['invalid_request', 'headers_too_large', 'rate_limited', 'internal_error'];

const byHash = new Map<string, CheckedDocument>();
const byOrigin = new Map<string, Promise<CheckedDocument>>();

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

/**
 * Compiles schemas against one set of components, each schema once: gateways configured
 * alike (most tests' gateways) share their compiled validators.
 */
function validatorsFor(components: Json): (schema: Json) => ValidateFunction {
  const ajv = new Ajv2020({ strict: true, allowUnionTypes: true });
  addFormats(ajv);
  ajv.addKeyword({ keyword: 'components' });
  ajv.addSchema({ components }, 'openapi');
  const compiled = new Map<string, ValidateFunction>();
  return (schema) => {
    const text = JSON.stringify(schema).replaceAll('"#/components/', '"openapi#/components/');
    let validate = compiled.get(text);
    if (!validate) {
      validate = ajv.compile(JSON.parse(text));
      compiled.set(text, validate);
    }
    return validate;
  };
}

const byComponents = new Map<string, ReturnType<typeof validatorsFor>>();

function compile(document: Json): CheckedDocument {
  const componentsText = JSON.stringify(document.components);
  const componentsHash = sha256(componentsText);
  let validators = byComponents.get(componentsHash);
  if (!validators) {
    validators = validatorsFor(document.components);
    byComponents.set(componentsHash, validators);
  }
  const operations: DocumentedOperation[] = [];
  for (const item of Object.values<Json>(document.paths)) {
    for (const [method, operation] of Object.entries<Json>(item)) {
      const route: string = operation['x-route'];
      if (operations.some((o) => o.method === method && o.route === route)) continue;
      const matcher = match(route, { decode: false });
      const matches = (path: string) => matcher(path) !== false;
      operations.push({ method, route, operation, matches });
    }
  }
  return { document, operations, validator: validators };
}

async function load(origin: string): Promise<CheckedDocument> {
  const response = await fetch(`${origin}/openapi.json`);
  const text = await response.text();
  if (response.status !== 200) {
    throw new Error(`${origin}/openapi.json answered ${response.status}: is this a gateway?`);
  }
  const hash = sha256(text);
  let checked = byHash.get(hash);
  if (!checked) {
    checked = compile(JSON.parse(text));
    byHash.set(hash, checked);
  }
  return checked;
}

/** The document of the gateway at `url`, fetched once per gateway. */
export function documentAt(url: string): Promise<CheckedDocument> {
  const { origin } = new URL(url);
  let loading = byOrigin.get(origin);
  if (!loading) {
    loading = load(origin);
    byOrigin.set(origin, loading);
    loading.catch(() => byOrigin.delete(origin));
  }
  return loading;
}

/** Forgets the document of the gateway at `url`: another one may listen there next. */
export const forgetDocument = (url: string) => byOrigin.delete(new URL(url).origin);

const fail = (answer: ReceivedAnswer, problem: string) => {
  const { pathname } = new URL(answer.url);
  return new Error(
    `undocumented answer to ${answer.method} ${pathname} (${answer.status}): ${problem}\n${answer.text.slice(0, 400)}`,
  );
};

/** What `value` stands for: itself, or the component its `$ref` names. */
const resolved = (document: Json, value: Json): Json =>
  typeof value.$ref === 'string'
    ? value.$ref
        .slice(2)
        .split('/')
        .reduce<Json>((at: Json, key: string) => at[key], document)
    : value;

/** The documented response an answer must match. */
function documentedResponse(checked: CheckedDocument, answer: ReceivedAnswer) {
  const { document } = checked;
  const { pathname } = new URL(answer.url);
  const method = answer.method.toLowerCase();
  const routed = checked.operations.filter((o) => o.matches(pathname));
  const found =
    routed.find((o) => o.method === method) ??
    (method === 'head' ? routed.find((o) => o.method === 'get') : undefined);
  if (!found) {
    const expected = [routed.length > 0 ? 'method_not_allowed' : 'not_found', ...unrouted];
    const code = expected.find((c) => errorStatus[c as ErrorCode] === answer.status);
    if (!code) throw fail(answer, `no documented route answers ${answer.method} here`);
    return { response: document.components.responses[code] as Json, passthrough: false };
  }
  if (found.operation['x-undocumented']) throw fail(answer, `${found.route} has no doc`);
  const responses: Json = found.operation.responses;
  const status = responses[answer.status] ? String(answer.status) : 'default';
  const response: Json | undefined = responses[status];
  if (!response) {
    throw fail(answer, `${found.route} documents only ${Object.keys(responses).join(', ')}`);
  }
  return {
    response: resolved(document, response),
    passthrough: found.operation['x-passthrough'] === true,
  };
}

/**
 * Checks an answer against the serving gateway's own `/openapi.json`: its route (by method and
 * path) and its status must be documented, the required headers present, and a JSON body
 * valid against the documented schema. Anything the document does not describe throws.
 */
export function checkDocumentedAnswer(checked: CheckedDocument, answer: ReceivedAnswer): void {
  // CORS preflights are answered for any path, before any route.
  if (answer.method === 'OPTIONS' && answer.requestHeaders.has('access-control-request-method')) {
    return;
  }
  const { response, passthrough } = documentedResponse(checked, answer);
  for (const [name, header] of Object.entries<Json>(response.headers ?? {})) {
    const { required } = resolved(checked.document, header);
    if (required && !answer.headers.has(name)) throw fail(answer, `no ${name} header`);
  }
  // A service's answer is passed through as it is; a HEAD answer has no body.
  if (passthrough || answer.method === 'HEAD') return;
  const content: Json | undefined = response.content;
  if (!content) {
    if (answer.text !== '') throw fail(answer, 'a body where none is documented');
    return;
  }
  const type = (answer.headers.get('content-type') ?? '').split(';')[0]!.trim();
  const media = type in content ? type : '*/*' in content ? '*/*' : undefined;
  if (!media) throw fail(answer, `Content-Type ${type}, documented ${Object.keys(content)}`);
  if (media !== 'application/json') return;
  let body: unknown;
  try {
    body = JSON.parse(answer.text);
  } catch {
    throw fail(answer, 'the body is not JSON');
  }
  const validate = checked.validator(content[media].schema);
  if (!validate(body)) throw fail(answer, JSON.stringify(validate.errors?.slice(0, 5)));
}
