import type { FlagSnapshot, UnchangedSource } from '../kit/contract';
import { InvalidSnapshotError, validateSnapshot, type CheckedSnapshot } from '../kit/snapshot-check';
import { featureFlagsKind } from '../jira';
import { FlagStampedOnSend, type UnstampedFlagWithTimes } from '../model/to-jira-flag';
import type { ProviderDesired } from './desired';
import { desiredFlags, mappingSeed } from './desired-flags';
import { oneEntityPerPacket, type ReconcileKind } from './kind';
import type { ProviderRuntime } from './provider';
import { mappingKey, unchangedSourceDesired } from './source-skip';

const isUnchangedSource = (value: FlagSnapshot | UnchangedSource): value is UnchangedSource =>
  typeof value === 'object' && value !== null && (value as Partial<UnchangedSource>).unchanged === true;

/**
 * One provider's flags, or "unchanged" when the adapter recognised its source by the fingerprint of the last fully
 * accepted run (only as the answer to that fingerprint: anything else fails the provider, deleting nothing).
 */
async function readFlags(provider: ProviderRuntime, signal: AbortSignal, acceptedSource?: string): Promise<CheckedSnapshot> {
  if (provider.source.produces !== 'flags') throw new Error(`the provider produces ${provider.source.produces}, not feature flags`);
  const adapter = provider.source.source;
  const answer =
    acceptedSource !== undefined && adapter.snapshotUnlessUnchanged !== undefined
      ? await adapter.snapshotUnlessUnchanged(signal, acceptedSource)
      : await adapter.snapshot(signal);
  if (isUnchangedSource(answer)) {
    if (acceptedSource === undefined || answer.sourceFingerprint !== acceptedSource) {
      throw new InvalidSnapshotError(provider.name, provider.adapterName, [
        'answered "unchanged" for a source fingerprint the core did not ask about',
      ]);
    }
    return flagReconcileKind.sourceSkipping!.unchangedData(answer.sourceFingerprint);
  }
  // A bad adapter is reported naming the provider, the adapter and the field
  // (`provider "x" (adapter flipt): invalid snapshot: flags[3].environments[0].enabled: expected boolean`).
  return validateSnapshot(answer, {
    provider: provider.name,
    ...(provider.adapterName !== undefined && { adapter: provider.adapterName }),
  });
}

const mappingSettings = (provider: ProviderRuntime, properties?: Readonly<Record<string, string>>) => ({
  provider: provider.name,
  linking: provider.linking,
  environmentTypes: provider.environmentTypes,
  properties,
});

/** Feature flags: one Jira flag per source flag, sent one entity per slot of a request. */
export const flagReconcileKind: ReconcileKind<CheckedSnapshot, UnstampedFlagWithTimes, FlagStampedOnSend, FlagStampedOnSend> = {
  name: 'featureflags',
  submitAs: featureFlagsKind,
  deleteAs: featureFlagsKind,
  read: readFlags,
  sourceSkipping: {
    settingsKey: (provider, properties) => mappingKey(mappingSeed(mappingSettings(provider, properties))),
    report: (data) => ({
      ...(data.sourceFingerprint !== undefined && { fingerprint: data.sourceFingerprint }),
      unchanged: data.unchanged === true,
      complete: data.skipped.length === 0,
    }),
    unchangedData: (fingerprint) => ({ flags: [], skipped: [], sourceFingerprint: fingerprint, unchanged: true }),
  },
  desire: (sources, context) =>
    sources.map((source): ProviderDesired<UnstampedFlagWithTimes> => {
      const { provider } = source;
      if (!source.ok) return { provider: provider.name, ok: false, error: source.error };
      if (source.data.unchanged === true) return unchangedSourceDesired(context.state, 'featureflags', provider.name);
      const settings = mappingSettings(provider, context.properties);
      return desiredFlags(source.data.flags, settings, context.acceptedInput, source.data.skipped);
    }),
  stamp: (payload, sequence, nowIso) => new FlagStampedOnSend(payload, sequence, nowIso),
  pack: oneEntityPerPacket,
  unpack: (outcome) => [outcome],
};
