import { productName, type Logger, type SourceHttp } from '../../src/kit';
import { FliptInfoCodec } from './codecs';
import { fliptHeaders } from './read';

/** The lookup follows the namespace reads and may hold the snapshot up this long at most. */
const VERSION_TIMEOUT_MS = 5_000;

/**
 * "Flipt <version>" from Flipt's `GET /meta/info` (`{"version": "1.58.0", "commit": …}`, behind the same
 * authentication as the API), else "Flipt". Never rejects: a failed lookup costs the version, never the snapshot.
 */
export async function fliptProduct(
  baseUrl: string,
  token: string | undefined,
  http: SourceHttp,
  signal: AbortSignal,
  logger: Logger,
): Promise<string> {
  try {
    const bounded = AbortSignal.any([signal, AbortSignal.timeout(VERSION_TIMEOUT_MS)]);
    const url = new URL(`${baseUrl}/meta/info`);
    const info = await http.getJson(url, FliptInfoCodec, { signal: bounded, headers: fliptHeaders(token), timeoutMs: VERSION_TIMEOUT_MS });
    return productName('Flipt', info.version);
  } catch (err) {
    logger.debug({ reason: err instanceof Error ? err.message : String(err) }, 'flipt: version unknown, naming Flipt alone');
    return 'Flipt';
  }
}
