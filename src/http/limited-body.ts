/** Upstream answers larger than this are refused, never buffered whole. */
export const maxUpstreamBytes = 1024 * 1024;

/** An upstream answered more than the bound; the rest of its body was not read. */
export class AnswerTooLargeError extends Error {
  constructor(readonly limitBytes: number) {
    super(`answer larger than ${limitBytes} bytes`);
    this.name = 'AnswerTooLargeError';
  }
}

/** An upstream answered bytes that are not UTF-8. */
export class AnswerNotTextError extends Error {
  constructor() {
    super('answer is not UTF-8 text');
    this.name = 'AnswerNotTextError';
  }
}

/**
 * Reads a fetch answer's body as UTF-8 text, at most `limitBytes` of it: a declared or
 * streamed body past the bound is cancelled and fails with {@link AnswerTooLargeError}.
 */
export async function readLimitedText(
  response: Response,
  limitBytes = maxUpstreamBytes,
): Promise<string> {
  const declared = Number(response.headers.get('content-length') ?? 0);
  if (declared > limitBytes) {
    await response.body?.cancel().catch(() => undefined);
    throw new AnswerTooLargeError(limitBytes);
  }
  if (!response.body) return '';
  const chunks: Uint8Array[] = [];
  let size = 0;
  const reader = response.body.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > limitBytes) {
      await reader.cancel().catch(() => undefined);
      throw new AnswerTooLargeError(limitBytes);
    }
    chunks.push(value);
  }
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(Buffer.concat(chunks));
  } catch {
    throw new AnswerNotTextError();
  }
}
