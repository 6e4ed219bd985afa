import * as t from 'io-ts';
import { productName, type Logger, type SourceHttp } from '../../src/kit';
import { createAdminHttp } from './admin-http';

/** The lookup follows the read and may hold the snapshot up this long at most. */
const VERSION_TIMEOUT_MS = 5_000;

/** Unleash's UI config; `version` is "the current version of Unleash" (required in its uiConfigSchema). */
const UiConfigCodec = t.type({ version: t.unknown }, 'Unleash UI config');

/**
 * "Unleash <version>" from `GET /api/admin/ui-config` (any admin or personal access token may read it), else
 * "Unleash". Never rejects: a failed lookup costs the version, never the snapshot. Client tokens cannot read it,
 * so client mode names Unleash alone without asking.
 */
export async function unleashProduct(
  apiRoot: string,
  token: string,
  http: SourceHttp,
  signal: AbortSignal,
  logger: Logger,
): Promise<string> {
  try {
    const bounded = AbortSignal.any([signal, AbortSignal.timeout(VERSION_TIMEOUT_MS)]);
    const config = await createAdminHttp(apiRoot, token, http, bounded).get('admin/ui-config', {}, UiConfigCodec);
    return productName('Unleash', config?.version);
  } catch (err) {
    logger.debug({ reason: err instanceof Error ? err.message : String(err) }, 'unleash: version unknown, naming Unleash alone');
    return 'Unleash';
  }
}
