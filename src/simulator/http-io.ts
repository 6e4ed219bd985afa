/** Reading request bodies under a byte cap, and writing JSON answers. */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { SimResponse } from './types';

export interface RequestBody {
  readonly text: string;
  readonly bytes: number;
  /** Over the cap: `text` is empty, the rest was drained so the client can still read the 413. */
  readonly tooLarge: boolean;
}

export function readBody(req: IncomingMessage, maxBytes: number): Promise<RequestBody> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let bytes = 0;
    req.on('data', (chunk: Buffer) => {
      bytes += chunk.length;
      // Keep draining past the cap instead of destroying the socket, or the client would see a reset, not a 413.
      if (bytes <= maxBytes) chunks.push(chunk);
    });
    req.on('end', () => {
      const tooLarge = bytes > maxBytes;
      resolve({ text: tooLarge ? '' : Buffer.concat(chunks).toString('utf8'), bytes, tooLarge });
    });
    req.on('error', reject);
  });
}

export function sendResponse(res: ServerResponse, response: SimResponse): void {
  const headers: Record<string, string> = { ...response.headers };
  let payload = '';
  if (response.body !== undefined) {
    payload = JSON.stringify(response.body);
    headers['Content-Type'] = 'application/json';
  }
  headers['Content-Length'] = String(Buffer.byteLength(payload));
  res.writeHead(response.status, headers);
  res.end(payload);
}
