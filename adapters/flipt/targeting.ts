import * as t from 'io-ts';
import { decodeItem, itemKeyOf, type SourceHttp } from '../../src/kit';
import { FliptSnapshotFlagCodec, type FliptTargeting } from './codecs';
import { AUTH_HINTS, fliptHeaders, type NamespaceRead } from './read';

/** Each flag's rules and rollouts in one namespace; flags whose targeting does not decode, by key. */
export interface NamespaceTargeting {
  readonly byKey: ReadonlyMap<string, FliptTargeting>;
  readonly skipped: readonly { readonly key: string; readonly reason: string }[];
}

const SnapshotPageCodec = t.type({ flags: t.array(t.unknown) }, 'a Flipt evaluation snapshot');

/**
 * The namespace's rules and rollouts, from its evaluation snapshot (one request, what Flipt's client-side SDKs
 * evaluate from; the flag list carries neither). Undefined when Flipt has no such endpoint (404: before 1.32); any
 * other failure fails the read, as a failing flag page does. A flag whose targeting does not decode is skipped by key.
 */
export async function readNamespaceTargeting(
  read: NamespaceRead,
  http: SourceHttp,
  signal: AbortSignal,
): Promise<NamespaceTargeting | undefined> {
  const base = read.baseUrl.replace(/\/+$/, '');
  const url = new URL(`${base}/internal/v1/evaluation/snapshot/namespace/${encodeURIComponent(read.namespace)}`);
  const shown = `${url.origin}${url.pathname}`;
  const body = await http.getJsonIfFound(url, SnapshotPageCodec, {
    signal,
    headers: fliptHeaders(read.token),
    what: `Flipt GET ${shown} response`,
    hints: AUTH_HINTS,
  });
  if (body === undefined) return undefined;
  const byKey = new Map<string, FliptTargeting>();
  const skipped: { key: string; reason: string }[] = [];
  body.flags.forEach((raw, i) => {
    const key = itemKeyOf(raw, 'key', 'a flag', `Flipt GET ${shown} response, flags[${i}]`);
    const decoded = decodeItem(FliptSnapshotFlagCodec, raw);
    if (!decoded.ok) skipped.push({ key, reason: `its rules or rollouts: ${decoded.reason}` });
    else byKey.set(key, { rules: decoded.value.rules ?? [], rollouts: decoded.value.rollouts ?? [] });
  });
  return { byKey, skipped };
}
