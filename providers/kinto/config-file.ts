import { z } from 'zod';
import { describePath } from '../../src/config';
import { readJsonFile } from '../../src/json-file';
import { parseSecretHash, type SecretHash } from './secret-hash';

/** A client app allowed to open sessions. */
export interface KintoClient {
  clientId: string;
  secret: SecretHash;
}

/** A session field a service reads, injected as a request header. */
export interface SessionRead {
  /** The name as the service declared it (sent as the header name). */
  field: string;
  /** The name the writing service declared, under which the session keeps the value. */
  stored: string;
  required: boolean;
}

/** A microservice behind the proxy. */
export interface KintoService {
  name: string;
  /** `http(s)://host:port`, the target of every call. */
  origin: string;
  /** Path of the upstream URL without its trailing slash, prepended to each call's path. */
  basePath: string;
  reads: SessionRead[];
  /** Fields this service writes, as declared (the session keeps them under these names). */
  writes: string[];
  public: boolean;
  timeoutMs: number;
}

/** Clients and services of `KINTO_CONFIG`, checked and indexed. */
export interface KintoSetup {
  clients: ReadonlyMap<string, KintoClient>;
  services: ReadonlyMap<string, KintoService>;
  /** Every session field (any service's write) as {@link fieldKey}: never taken from a client. */
  sessionFields: ReadonlySet<string>;
}

/**
 * The form in which header names are compared with session fields: lowercase, `_` as `-`.
 * CGI-style servers (PHP, WSGI, Rack) read `auth_userId` and `auth-userId` as one header, so
 * a client must not slip a session field past the gateway under the other spelling.
 */
export const fieldKey = (name: string) => {
  const lower = name.toLowerCase();
  return lower.includes('_') ? lower.replaceAll('_', '-') : lower;
};

const defaultServiceTimeoutMs = 10_000;

const fieldName = z
  .string()
  .regex(
    /^[A-Za-z0-9][A-Za-z0-9_.-]{0,99}$/,
    'must be a header name of letters, digits, "-", "_", "."',
  );

// Fields are sent as headers; none may pass for one the gateway or HTTP itself gives meaning to.
const reservedField =
  /^(content-|transfer-|kinto-|proxy-|x-forwarded-|sec-|access-control-|if-|accept|keep-alive$|set-cookie$|www-authenticate$|cache-control$|x-request-id$)/i;

const secretHash = z.string().transform((text, ctx): SecretHash => {
  const parsed = parseSecretHash(text);
  if (typeof parsed !== 'string') return parsed;
  ctx.addIssue({ code: 'custom', message: parsed });
  return z.NEVER;
});

const upstream = z.string().transform((text, ctx) => {
  let url: URL | undefined;
  try {
    url = new URL(text);
  } catch {
    // reported below
  }
  if (!url || !['http:', 'https:'].includes(url.protocol) || url.search || url.hash) {
    ctx.addIssue({ code: 'custom', message: 'must be an http(s) URL without query or fragment' });
  } else if (url.username || url.password) {
    ctx.addIssue({ code: 'custom', message: 'must not carry credentials' });
  }
  return { origin: url?.origin ?? '', basePath: (url?.pathname ?? '').replace(/\/+$/, '') };
});

const fileSchema = z.strictObject({
  clients: z.array(
    z.strictObject({
      clientId: z
        .string()
        .regex(/^[A-Za-z0-9._~-]{1,128}$/, 'must be 1-128 letters, digits, ".", "_", "~" or "-"'),
      secretHash,
    }),
  ),
  services: z.array(
    z.strictObject({
      name: z
        .string()
        .regex(/^[a-z0-9][a-z0-9_]{0,62}$/, 'must be lowercase letters, digits and "_"'),
      upstream,
      reads: z
        .record(
          fieldName,
          z.enum(['required', 'optional'], { message: 'must be "required" or "optional"' }),
        )
        .default({}),
      writes: z.array(fieldName).default([]),
      public: z.boolean().default(false),
      timeoutMs: z.number().int().min(1).max(300_000).default(defaultServiceTimeoutMs),
    }),
  ),
});

/** The result of checking a config: the setup, or every problem naming its entry. */
export type ConfigResult = { ok: true; setup: KintoSetup } | { ok: false; problems: string[] };

function crossCheck(file: z.infer<typeof fileSchema>): string[] {
  const problems: string[] = [];
  const clientAt = new Map<string, number>();
  file.clients.forEach(({ clientId }, i) => {
    const first = clientAt.get(clientId);
    if (first !== undefined) {
      problems.push(`clients[${i}].clientId: "${clientId}" is already used by clients[${first}]`);
    }
    clientAt.set(clientId, first ?? i);
  });
  const serviceAt = new Map<string, number>();
  const written = new Set<string>();
  file.services.forEach(({ name, writes }, i) => {
    const first = serviceAt.get(name);
    if (first !== undefined) {
      problems.push(`services[${i}].name: "${name}" is already used by services[${first}]`);
    }
    serviceAt.set(name, first ?? i);
    writes.forEach((field, j) => {
      const at = `services[${i}].writes[${j}]`;
      const lower = field.toLowerCase();
      if (!lower.startsWith(`${name}-`) || lower.length === name.length + 1) {
        problems.push(`${at}: "${field}" must start with "${name}-"`);
      } else if (reservedField.test(field)) {
        problems.push(`${at}: "${field}" is a reserved header name`);
      } else if (written.has(lower)) {
        problems.push(`${at}: "${field}" is declared twice`);
      }
      written.add(lower);
    });
  });
  file.services.forEach(({ reads }, i) => {
    const seen = new Set<string>();
    for (const field of Object.keys(reads)) {
      const at = describePath(['services', i, 'reads', field]);
      const lower = field.toLowerCase();
      if (seen.has(lower)) problems.push(`${at}: "${field}" is declared twice`);
      else if (!written.has(lower)) problems.push(`${at}: no service writes "${field}"`);
      seen.add(lower);
    }
  });
  return problems;
}

function index(file: z.infer<typeof fileSchema>): KintoSetup {
  const canonical = new Map(
    file.services.flatMap((s) => s.writes).map((field) => [field.toLowerCase(), field]),
  );
  return {
    clients: new Map(
      file.clients.map((c) => [c.clientId, { clientId: c.clientId, secret: c.secretHash }]),
    ),
    services: new Map(
      file.services.map((s) => [
        s.name,
        {
          name: s.name,
          origin: s.upstream.origin,
          basePath: s.upstream.basePath,
          reads: Object.entries(s.reads).map(([field, mode]) => ({
            field,
            stored: canonical.get(field.toLowerCase()) ?? field,
            required: mode === 'required',
          })),
          writes: s.writes,
          public: s.public,
          timeoutMs: s.timeoutMs,
        },
      ]),
    ),
    sessionFields: new Set([...canonical.keys()].map(fieldKey)),
  };
}

/** Checks a parsed config document. */
export function parseKintoConfig(document: unknown): ConfigResult {
  const parsed = fileSchema.safeParse(document);
  if (!parsed.success) {
    return {
      ok: false,
      problems: parsed.error.issues.map((issue) => {
        const at = describePath(issue.path);
        return `${at || '(file)'}: ${issue.message}`;
      }),
    };
  }
  const problems = crossCheck(parsed.data);
  return problems.length > 0 ? { ok: false, problems } : { ok: true, setup: index(parsed.data) };
}

/** Reads and checks the config file at `path`. */
export function loadKintoConfig(path: string): ConfigResult {
  const file = readJsonFile(path);
  return file.ok ? parseKintoConfig(file.document) : file;
}
