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
}

export type LogFormat = 'text' | 'json';
export type LogLevel = 'debug' | 'info' | 'warn' | 'error' | 'silent';

const rank: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40, silent: 99 };

export interface LoggerOptions {
  format?: LogFormat;
  level?: LogLevel;
  /** Where finished lines go; tests pass a collector. */
  write?: (line: string) => void;
}

const needsQuotes = /[\s"=]/;

function textValue(value: unknown): string {
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  const text = typeof value === 'string' ? value : JSON.stringify(value);
  return needsQuotes.test(text) ? JSON.stringify(text) : text;
}

function textFields(fields: LogFields | undefined): string {
  let text = '';
  for (const name in fields) {
    const value = fields[name];
    if (value !== undefined) text += ` ${name}=${textValue(value)}`;
  }
  return text;
}

export function createLogger(options: LoggerOptions = {}, bound: LogFields = {}): Logger {
  const {
    format = 'text',
    level = 'info',
    write = (line) => process.stdout.write(`${line}\n`),
  } = options;
  // Bound fields are rendered once, not on every line.
  const boundText = textFields(bound);
  const emit = (lineLevel: Exclude<LogLevel, 'silent'>, message: string, fields?: LogFields) => {
    if (rank[lineLevel] < rank[level]) return;
    const time = new Date().toISOString();
    if (format === 'json') {
      write(JSON.stringify({ time, level: lineLevel, msg: message, ...bound, ...fields }));
      return;
    }
    const label =
      lineLevel === 'info' || lineLevel === 'warn'
        ? `${lineLevel.toUpperCase()} `
        : lineLevel.toUpperCase();
    write(`${time} ${label} ${message}${boundText}${textFields(fields)}`);
  };
  return {
    debug: (m, f) => emit('debug', m, f),
    info: (m, f) => emit('info', m, f),
    warn: (m, f) => emit('warn', m, f),
    error: (m, f) => emit('error', m, f),
    child: (fields) => createLogger(options, { ...bound, ...fields }),
  };
}
