import { createGateway, type Gateway, type GatewayOptions } from '../../src/app';
import { listen } from '../../src/server';
import { checkDocumentedAnswer, documentAt, forgetDocument } from './documented-answers';

/** A gateway listening on an ephemeral port, with every log line captured. */
export interface TestGateway {
  url: string;
  gateway: Gateway;
  /** Every log line written so far. */
  logs: string[];
  close(): Promise<void>;
}

export async function startGateway(
  options: Omit<GatewayOptions, 'writeLog' | 'env'> & { env?: NodeJS.ProcessEnv },
): Promise<TestGateway> {
  const logs: string[] = [];
  const gateway = await createGateway({
    ...options,
    // Tests send many requests from one address: limits are on only where a test asks.
    env: {
      HOST: '127.0.0.1',
      PORT: '0',
      RATE_LIMIT: 'off',
      RATE_LIMIT_FAILURES: 'off',
      ...options.env,
    },
    writeLog: (line) => logs.push(line),
    defaultMetrics: options.defaultMetrics ?? false,
  });
  const running = await listen(gateway, '127.0.0.1', 0);
  // A gateway that listened on this port before may have had another document.
  forgetDocument(running.url);
  const close = async () => {
    await running.close(1_000);
    forgetDocument(running.url);
  };
  return { url: running.url, gateway, logs, close };
}

/**
 * `fetch` returning the status, headers and parsed JSON (or text) of the answer, which must be
 * one the gateway's `/openapi.json` documents (it throws otherwise).
 */
export async function call(url: string, init: RequestInit = {}) {
  // Fetched first: the gateway may be closing by the time the answer is in.
  const documented = await documentAt(url);
  const response = await fetch(url, init);
  const text = await response.text();
  checkDocumentedAnswer(documented, {
    method: (init.method ?? 'GET').toUpperCase(),
    url,
    requestHeaders: new Headers(init.headers),
    status: response.status,
    headers: response.headers,
    text,
  });
  let body: unknown = text;
  try {
    body = JSON.parse(text);
  } catch {
    // not JSON: keep the text
  }
  return { status: response.status, headers: response.headers, body: body as any, text };
}

/** POSTs `body` as JSON. */
export const postJson = (url: string, body: unknown, headers: Record<string, string> = {}) =>
  call(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify(body),
  });
