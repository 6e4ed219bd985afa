import { decodeOrThrow, productName, type Logger } from '../../src/kit';
import { FliptInfoCodec } from './codecs';
import { getJson } from './read';

/** The lookup follows the namespace reads and may hold the snapshot up this long at most. */
const VERSION_TIMEOUT_MS = 5_000;

/**
 * "Flipt <version>" from Flipt's `GET /meta/info` (`{"version": "1.58.0", "commit": …}`, behind the same
 * authentication as the API), else "Flipt". Never rejects: a failed lookup costs the version, never the snapshot.
 */
export async function fliptProduct(baseUrl: string, token: string | undefined, signal: AbortSignal, logger: Logger): Promise<string> {
  try {
    const bounded = AbortSignal.any([signal, AbortSignal.timeout(VERSION_TIMEOUT_MS)]);
    const url = new URL(`${baseUrl}/meta/info`);
    const info = decodeOrThrow(FliptInfoCodec, await getJson(url, token, bounded), `Flipt GET ${url.origin}${url.pathname} response`);
    return productName('Flipt', info.version);
  } catch (err) {
    logger.debug({ reason: err instanceof Error ? err.message : String(err) }, 'flipt: version unknown, naming Flipt alone');
    return 'Flipt';
  }
}
