import { readFileSync } from 'node:fs';

/** A JSON file's document, or the one problem that kept it from being read. */
export type JsonFileResult = { ok: true; document: unknown } | { ok: false; problems: string[] };

/** Reads and parses the JSON file at `path`, naming the file in any problem. */
export function readJsonFile(path: string): JsonFileResult {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? 'unreadable';
    return { ok: false, problems: [`cannot read ${path} (${code})`] };
  }
  try {
    return { ok: true, document: JSON.parse(text) as unknown };
  } catch {
    return { ok: false, problems: [`${path} is not valid JSON`] };
  }
}
