/** Framing of the grpc-web WebSocket transport used by `@textile/grpc-transport`. */

const frame = (flag: number, payload: Uint8Array) => {
  const out = Buffer.alloc(5 + payload.length);
  out[0] = flag;
  out.writeUInt32BE(payload.length, 1);
  out.set(payload, 5);
  return out;
};

/** A server → client message frame. */
export const messageFrame = (message: Uint8Array) => frame(0x00, message);

/** A server → client header or trailer frame. */
export const metadataFrame = (headers: Record<string, string>) =>
  frame(
    0x80,
    Buffer.from(
      Object.entries(headers)
        .map(([name, value]) => `${name}: ${value}\r\n`)
        .join(''),
      'ascii',
    ),
  );

/** Parses the client's first WebSocket message: `name: value\r\n` lines. */
export function parseMetadata(data: Buffer): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const line of data.toString('ascii').split('\r\n')) {
    const colon = line.indexOf(':');
    if (colon > 0)
      headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
  }
  return headers;
}

/** One client → server message after the metadata. */
export type ClientChunk = { kind: 'finish' } | { kind: 'messages'; messages: Uint8Array[] };

/** Parses `0x01` (finish sending) or `0x00` followed by gRPC length-prefixed frames. */
export function parseClientChunk(data: Buffer): ClientChunk {
  if (data.length === 1 && data[0] === 0x01) return { kind: 'finish' };
  if (data[0] !== 0x00) throw new Error('unexpected client frame');
  const messages: Uint8Array[] = [];
  let offset = 1;
  while (offset < data.length) {
    if (offset + 5 > data.length) throw new Error('truncated gRPC frame');
    const length = data.readUInt32BE(offset + 1);
    const end = offset + 5 + length;
    if (end > data.length) throw new Error('truncated gRPC frame');
    messages.push(data.subarray(offset + 5, end));
    offset = end;
  }
  return { kind: 'messages', messages };
}
