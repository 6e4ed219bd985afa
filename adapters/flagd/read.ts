import { createReadStream } from 'node:fs';
import { open, stat } from 'node:fs/promises';
import * as path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { digestOf, sourceDigest } from './digest';
import type { FlagdFormat } from './parse';

/** Where one flag definition file lives. `label` is safe to print (no credentials, no query string). */
export type SourceLocation =
  | { readonly kind: 'file'; readonly path: string; readonly url: string; readonly label: string; readonly format?: FlagdFormat }
  | { readonly kind: 'http'; readonly url: string; readonly label: string; readonly format?: FlagdFormat };

/** What identifies the bytes of a source as read: equal digests, equal bytes (what a skip of an unchanged source relies on). */
export interface SourceVersion {
  /** Hash of the raw bytes read. */
  readonly digest: string;
  /** File mtime or HTTP Last-Modified, when known. */
  readonly lastModified?: Date;
  /** The HTTP ETag the body came with, when the server sent one. */
  readonly etag?: string;
}

export interface SourceContent extends SourceVersion {
  /** As read: bytes from a file (decoded only when the source has to be parsed), text from HTTP. */
  readonly body: Buffer | string;
  /** The format the server named in Content-Type (HTTP). */
  readonly format?: FlagdFormat;
}

/**
 * An HTTP source answered 304 to `If-None-Match`: its body is still the one that came with `etag`, whose digest the
 * caller knew (no body was sent, so nothing is read or parsed).
 */
export interface NotModified {
  readonly notModified: true;
  readonly etag: string;
  readonly digest: string;
}

/**
 * What the last accepted read of a source was: the digest of its bytes and, for an HTTP source that sent one, the
 * ETag they came with.
 */
export interface KnownVersion {
  readonly etag?: string;
  readonly digest: string;
}

export const textOf = (content: SourceContent): string => (typeof content.body === 'string' ? content.body : content.body.toString('utf8'));

/** Reading failed: the message names the source (by its label) and the reason, never header values. */
export class SourceReadError extends Error {
  override readonly name = 'SourceReadError';
}

/** The format a path's extension names; undefined without one (an API URL ending in `/raw`): see formatOfContent. */
const formatOf = (p: string): FlagdFormat | undefined => (/\.ya?ml$/i.test(p) ? 'yaml' : /\.json$/i.test(p) ? 'json' : undefined);

/** The format a Content-Type names (`application/yaml`, `text/x-yaml`, `application/json`), if any. */
function formatOfMediaType(contentType: unknown): FlagdFormat | undefined {
  if (typeof contentType !== 'string') return undefined;
  return /\byaml\b/i.test(contentType) ? 'yaml' : /\bjson\b/i.test(contentType) ? 'json' : undefined;
}

/**
 * A source's format: its extension, else the media type it was served with, else its text: a flagd JSON document is
 * an object, so text that does not start with `{` (past blanks) is YAML. A GitLab or GitHub API URL ending in `/raw`
 * served as text/plain was read as JSON before, and failed.
 */
export function formatOfContent(location: SourceLocation, content: Pick<SourceContent, 'format'>, text: string): FlagdFormat {
  return location.format ?? content.format ?? (/^\s*\{/.test(text) ? 'json' : 'yaml');
}

/** URL for messages: credentials and query string could carry secrets, so both are left out. */
export function safeUrlLabel(url: URL): string {
  return `${url.protocol}//${url.host}${url.pathname}${url.search === '' ? '' : '?…'}`;
}

/** Resolves a configured `source` (relative paths against the config file's directory). */
export function locateSource(source: string, configDir: string): SourceLocation {
  if (/^https?:\/\//i.test(source)) {
    const url = new URL(source);
    return { kind: 'http', url: url.href, label: safeUrlLabel(url), format: formatOf(url.pathname) };
  }
  const absolute = /^file:\/\//i.test(source) ? fileURLToPath(source) : path.resolve(configDir, source);
  return { kind: 'file', path: absolute, url: pathToFileURL(absolute).href, label: absolute, format: formatOf(absolute) };
}

type FileLocation = Extract<SourceLocation, { kind: 'file' }>;

async function readingLocalFile<T>(location: FileLocation, read: () => Promise<T>): Promise<T> {
  try {
    return await read();
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    if (e.name === 'AbortError') throw new SourceReadError(`reading ${location.label} was aborted`);
    // Node's message repeats the path ("ENOENT: no such file or directory, open '/x'"); keep the reason only.
    const reason = e.code !== undefined ? e.message.split(', ')[0] : e.message;
    throw new SourceReadError(`cannot read ${location.label} (${reason})`);
  }
}

/**
 * A buffer the check of local files reads each into: a file found unchanged leaves it for the next, so checking
 * files of tens of MB holds one buffer, not one per file for the collector to find. Let go with the check.
 */
export interface SpareBuffer {
  buffer?: Buffer;
}

/** The most one read call asks for. */
const READ_PIECE = 8 << 20;

/**
 * A local file read whole, into `spare`'s buffer when it is large enough (taken from it), else a new one; the size
 * and mtime are those of the file opened (a rename over the path meanwhile cannot mix two files).
 */
async function readWhole(location: FileLocation, signal: AbortSignal, spare: SpareBuffer = {}) {
  const handle = await open(location.path, 'r');
  try {
    const { size, mtime } = await handle.stat();
    // One byte more than the size, so the read that finds the end needs no larger buffer; a file that grew is read on.
    let buffer = spare.buffer !== undefined && spare.buffer.length > size ? spare.buffer : Buffer.allocUnsafeSlow(size + 1);
    spare.buffer = undefined;
    let length = 0;
    for (;;) {
      if (signal.aborted) throw new DOMException('This operation was aborted', 'AbortError');
      if (length === buffer.length) {
        const larger = Buffer.allocUnsafeSlow(buffer.length * 2);
        buffer.copy(larger, 0, 0, length);
        buffer = larger;
      }
      // In pieces, so an abort (the provider's timeout) is seen within one piece on a slow disk.
      const { bytesRead } = await handle.read(buffer, length, Math.min(buffer.length - length, READ_PIECE), length);
      if (bytesRead === 0) break;
      length += bytesRead;
    }
    return { buffer, bytes: buffer.subarray(0, length), lastModified: mtime };
  } finally {
    await handle.close();
  }
}

function readLocalFile(location: FileLocation, signal: AbortSignal): Promise<SourceContent> {
  return readingLocalFile(location, async () => {
    const { bytes, lastModified } = await readWhole(location, signal);
    return { body: bytes, digest: await digestOf(bytes), lastModified };
  });
}

/**
 * A local file compared with the digest the last accepted read had: its version alone when the bytes are those
 * (the buffer goes back to `spare`), else its content, to be parsed without reading it again.
 */
function checkLocalFile(
  location: FileLocation,
  signal: AbortSignal,
  known: KnownVersion,
  spare: SpareBuffer,
): Promise<SourceContent | SourceVersion> {
  return readingLocalFile(location, async () => {
    const { buffer, bytes, lastModified } = await readWhole(location, signal, spare);
    const digest = await digestOf(bytes);
    // Kept to be parsed: a spare buffer more than twice the file's size (an earlier, larger file's) is not kept with it.
    if (digest !== known.digest) return { body: buffer.length > 2 * bytes.length + 1 ? Buffer.from(bytes) : bytes, digest, lastModified };
    spare.buffer = buffer;
    return { digest, lastModified };
  });
}

/** A local file's version: its bytes hashed as they stream in, none of them kept (a file of tens of MB). */
function versionOfLocalFile(location: FileLocation, signal: AbortSignal): Promise<SourceVersion> {
  return readingLocalFile(location, async () => {
    const hash = await sourceDigest();
    const hashed = (async () => {
      for await (const chunk of createReadStream(location.path, { signal, highWaterMark: 1 << 20 })) hash.update(chunk as Buffer);
    })();
    const [info] = await Promise.all([stat(location.path), hashed]);
    return { digest: hash.digest(), lastModified: info.mtime };
  });
}

/**
 * Configured headers (an API key, a token) are meant for the configured origin only: a redirect to another origin
 * (another host, port or scheme) goes on without any of them. axios itself only drops Authorization and Cookie.
 */
function dropHeadersAcrossOrigins(sourceUrl: string, headers: Readonly<Record<string, string>>) {
  const origin = new URL(sourceUrl).origin;
  const names = new Set(Object.keys(headers).map((h) => h.toLowerCase()));
  return (options: Record<string, unknown>): void => {
    const href = options['href'];
    const sent = options['headers'] as Record<string, unknown> | undefined;
    if (names.size === 0 || sent === undefined || (typeof href === 'string' && URL.canParse(href) && new URL(href).origin === origin))
      return;
    for (const name of Object.keys(sent)) if (names.has(name.toLowerCase())) delete sent[name];
  };
}

type HttpLocation = Extract<SourceLocation, { kind: 'http' }>;

/** GET; with a known version, a conditional GET (`If-None-Match`) whose 304 answers NotModified. */
function readOverHttp(location: HttpLocation, signal: AbortSignal, headers: Readonly<Record<string, string>>): Promise<SourceContent>;
function readOverHttp(
  location: HttpLocation,
  signal: AbortSignal,
  headers: Readonly<Record<string, string>>,
  known: KnownVersion | undefined,
): Promise<SourceContent | NotModified>;
async function readOverHttp(
  location: HttpLocation,
  signal: AbortSignal,
  headers: Readonly<Record<string, string>>,
  known?: KnownVersion,
): Promise<SourceContent | NotModified> {
  // axios loads with the first HTTP source read, not with the adapter: local files never need it. `require`: tsx's
  // CommonJS hook has no `import()` of packages here.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const axios = (require('axios') as typeof import('axios')).default;
  let response;
  try {
    response = await axios.get<unknown>(location.url, {
      signal,
      headers: {
        Accept: 'application/json, application/yaml;q=0.9, */*;q=0.5',
        ...headers,
        ...(known?.etag !== undefined && { 'If-None-Match': known.etag }),
      },
      responseType: 'text',
      // Keep the body as text: the parser reports syntax errors with positions.
      transformResponse: (data: unknown) => data,
      validateStatus: () => true,
      beforeRedirect: dropHeadersAcrossOrigins(location.url, headers),
    });
  } catch (err) {
    if (axios.isCancel(err) || signal.aborted) throw new SourceReadError(`GET ${location.label} was aborted`);
    const reason = axios.isAxiosError(err) ? (err.code ?? err.message) : String(err);
    throw new SourceReadError(`GET ${location.label} failed (${reason})`);
  }
  if (response.status === 304 && known?.etag !== undefined) return { notModified: true, etag: known.etag, digest: known.digest };
  if (response.status < 200 || response.status > 299) {
    throw new SourceReadError(`GET ${location.label} answered HTTP ${response.status}`);
  }
  if (typeof response.data !== 'string') throw new SourceReadError(`GET ${location.label} returned no text body`);
  const lastModifiedHeader: unknown = response.headers['last-modified'];
  const lastModified = typeof lastModifiedHeader === 'string' ? new Date(lastModifiedHeader) : undefined;
  const etag: unknown = response.headers['etag'];
  const format = formatOfMediaType(response.headers['content-type']);
  return {
    body: response.data,
    digest: await digestOf(response.data),
    ...(format !== undefined && { format }),
    ...(lastModified !== undefined && !Number.isNaN(lastModified.getTime()) && { lastModified }),
    ...(typeof etag === 'string' && etag !== '' && { etag }),
  };
}

export function readSource(
  location: SourceLocation,
  signal: AbortSignal,
  headers: Readonly<Record<string, string>> = {},
): Promise<SourceContent> {
  return location.kind === 'file' ? readLocalFile(location, signal) : readOverHttp(location, signal, headers);
}

/**
 * A source's version, to compare with the last accepted one before anything is parsed. A local file is hashed as it
 * streams, none of its bytes kept; with `spare` and a known digest it is read whole into `spare`'s buffer instead, and
 * its content returned when it changed (the bytes to parse, so it is read and hashed once). An HTTP source is read,
 * unless it is still at `known` (a conditional GET answered 304): then nothing is transferred, and the caller takes
 * the body for the one it had.
 */
export function checkSource(
  location: SourceLocation,
  signal: AbortSignal,
  known: KnownVersion | undefined,
  headers: Readonly<Record<string, string>> = {},
  spare?: SpareBuffer,
): Promise<SourceContent | NotModified | SourceVersion> {
  if (location.kind === 'http') return readOverHttp(location, signal, headers, known);
  return known === undefined || spare === undefined ? versionOfLocalFile(location, signal) : checkLocalFile(location, signal, known, spare);
}
