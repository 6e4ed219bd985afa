import { conditionalGetVersion, type PolledVersion } from '../../src/kit';
import type { FliptOptions } from './options';

/**
 * One namespace's evaluation snapshot (`GET /internal/v1/evaluation/snapshot/namespace/{key}`, what Flipt's
 * client-side SDKs poll: flags with their rules and rollouts). Flipt 1.54+ sends an ETag made from the namespace's
 * version and answers 304 to it; an older Flipt is compared by the body's digest (its flags' `updatedAt` moves with
 * every change, metadata included); one before 1.32 has no such endpoint. Watch mode and the source fingerprint both
 * use it.
 */
export interface NamespaceSnapshot {
  /** Names the endpoint and the environment in logs and errors (no credentials). */
  readonly label: string;
  /** The current version; `unchanged` (a 304) while `previous` still holds. */
  version(previous: string | undefined, signal: AbortSignal): Promise<PolledVersion>;
}

/** One per configured environment, in config order. */
export function namespaceSnapshots(options: FliptOptions): NamespaceSnapshot[] {
  const baseUrl = options.url.replace(/\/+$/, '');
  const headers: Record<string, string> = {
    Accept: 'application/json',
    ...(options.token !== undefined && { Authorization: `Bearer ${options.token}` }),
  };
  return options.environments.map((env) => {
    const namespace = env.namespace ?? env.name;
    const url = `${baseUrl}/internal/v1/evaluation/snapshot/namespace/${encodeURIComponent(namespace)}`;
    const label = `${url} (environment ${env.name})`;
    return { label, version: (previous, signal) => conditionalGetVersion(url, label, previous, signal, { headers }) };
  });
}
