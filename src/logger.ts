import pino, { type DestinationStream } from 'pino';

/** Log fields are plain values; callers must never pass a secret. */
export type LogFields = Record<string, unknown>;

/** A structured logger handed to the core and to every provider. */
export interface Logger {
  debug(message: string, fields?: LogFields): void;
  info(message: string, fields?: LogFields): void;
  warn(message: string, fields?: LogFields): void;
  error(message: string, fields?: LogFields): void;
  /** A logger that adds `fields` to every line. */
  child(fields: LogFields): Logger;
  /** Writes out what is buffered; call before the process exits. */
  flush(): void;
}

/** The gateway's own logger: a {@link Logger} that also writes the access lines. */
export interface RootLogger extends Logger {
  /**
   * Writes one access line (`msg` "request"). Its fields are fixed by the core and hold no
   * secret, so it skips redaction, which would cost more than the rest of the line.
   */
  request(fields: LogFields): void;
}

export type LogFormat = 'text' | 'json';
export type LogLevel = 'debug' | 'info' | 'warn' | 'error' | 'silent';

export interface LoggerOptions {
  format?: LogFormat;
  level?: LogLevel;
  /** Receives each finished line (no newline); tests pass a collector. Default: stdout. */
  write?: (line: string) => void;
}

/**
 * Fields that would hold a secret if a caller ever passed one by mistake: censored by pino as
 * a second line of defence. The first is that no caller passes them.
 */
const secretFields = [
  'token',
  'accessToken',
  'access_token',
  'secret',
  'clientSecret',
  'client_secret',
  'password',
  'privateKey',
  'certificate',
  'appCertificate',
  'adminKey',
  'authorization',
  'cookie',
  'signature',
  'sessionToken',
];
const redact = {
  paths: [
    ...secretFields,
    ...secretFields.map((field) => `*.${field}`),
    'headers["kinto-authorization"]',
    'headers["x-textile-api-sig"]',
  ],
  censor: '[redacted]',
};

const needsQuotes = /[\s"=]/;

function textValue(value: unknown): string {
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  const text = typeof value === 'string' ? value : JSON.stringify(value);
  return needsQuotes.test(text) ? JSON.stringify(text) : text;
}

const labels: Record<string, string> = {
  debug: 'DEBUG',
  info: 'INFO ',
  warn: 'WARN ',
  error: 'ERROR',
  fatal: 'FATAL',
};

/** One pino JSON line as `time LEVEL message key=value…`, for people reading a terminal. */
export function textLine(json: string): string {
  const { time, level, msg, ...fields } = JSON.parse(json) as Record<string, unknown>;
  let line = `${String(time)} ${labels[String(level)] ?? String(level)} ${String(msg)}`;
  for (const name in fields) {
    if (fields[name] !== undefined) line += ` ${name}=${textValue(fields[name])}`;
  }
  return line;
}

/** A pino destination that hands each line, without its newline, to `write`. */
const lineDestination = (write: (line: string) => void, format: LogFormat): DestinationStream => ({
  write(chunk: string) {
    for (const line of chunk.split('\n')) {
      if (line !== '') write(format === 'text' ? textLine(line) : line);
    }
  },
});

/** Lines are written out when this much is buffered, or at the latest after {@link flushEveryMs}. */
const bufferBytes = 8 * 1024;
const flushEveryMs = 100;

/**
 * stdout through pino's asynchronous, buffered writer; text lines are reformatted on the way.
 * Buffered because each write of an unbuffered asynchronous destination is a hand-off to
 * libuv's thread pool: at low concurrency that costs more than the request itself.
 */
function stdoutDestination(format: LogFormat) {
  const out = pino.destination({ dest: 1, sync: false, minLength: bufferBytes });
  const timer = setInterval(() => out.flush(), flushEveryMs);
  timer.unref();
  const flush = () => out.flushSync();
  if (format === 'json') return { stream: out, flush };
  const stream: DestinationStream = {
    write(chunk: string) {
      let text = '';
      for (const line of chunk.split('\n')) if (line !== '') text += `${textLine(line)}\n`;
      out.write(text);
    },
  };
  return { stream, flush };
}

function wrap(logger: pino.Logger, flush: () => void): Logger {
  const at =
    (level: 'debug' | 'info' | 'warn' | 'error') => (message: string, fields?: LogFields) =>
      fields ? logger[level](fields, message) : logger[level](message);
  return {
    debug: at('debug'),
    info: at('info'),
    warn: at('warn'),
    error: at('error'),
    child: (fields) => wrap(logger.child(fields), flush),
    flush,
  };
}

/** A pino logger: one JSON object per line (`json`), or readable `text` lines. */
export function createLogger(options: LoggerOptions = {}): RootLogger {
  const { format = 'text', level = 'info', write } = options;
  const destination = write
    ? { stream: lineDestination(write, format), flush: () => {} }
    : stdoutDestination(format);
  const settings = {
    level,
    base: undefined,
    timestamp: pino.stdTimeFunctions.isoTime,
    formatters: { level: (label: string) => ({ level: label }) },
  };
  const logger = pino({ ...settings, redact }, destination.stream);
  const access = pino(settings, destination.stream);
  const flush = () => {
    try {
      destination.flush();
    } catch {
      // nothing is buffered yet, or stdout is gone
    }
  };
  return { ...wrap(logger, flush), request: (fields) => access.info(fields, 'request') };
}
