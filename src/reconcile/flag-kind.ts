import { validateSnapshot, type CheckedSnapshot } from '../adapters/snapshot-check';
import { featureFlagsKind } from '../jira';
import type { JiraFeatureFlag } from '../jira/payloads';
import { stampFlag, type UnstampedFlagWithTimes } from '../model/to-jira-flag';
import type { ProviderDesired } from './desired';
import { desiredFlags } from './desired-flags';
import { oneEntityPerPacket, type ReconcileKind } from './kind';

/** Feature flags: one Jira flag per source flag, sent one entity per slot of a request. */
export const flagReconcileKind: ReconcileKind<CheckedSnapshot, UnstampedFlagWithTimes, JiraFeatureFlag, JiraFeatureFlag> = {
  name: 'featureflags',
  submitAs: featureFlagsKind,
  deleteAs: featureFlagsKind,
  // A bad adapter is reported naming the provider, the adapter and the field
  // (`provider "x" (adapter flipt): invalid snapshot: flags[3].environments[0].enabled: expected boolean`).
  read: async (provider, signal) =>
    validateSnapshot(await provider.adapter.snapshot(signal), {
      provider: provider.name,
      ...(provider.adapterName !== undefined && { adapter: provider.adapterName }),
    }),
  desire: (sources, context) =>
    sources.map((source): ProviderDesired<UnstampedFlagWithTimes> => {
      const { provider } = source;
      if (!source.ok) return { provider: provider.name, ok: false, error: source.error };
      const settings = {
        provider: provider.name,
        linking: provider.linking,
        environmentTypes: provider.environmentTypes,
        properties: context.properties,
      };
      return desiredFlags(source.data.flags, settings, context.acceptedInput, source.data.skipped);
    }),
  stamp: stampFlag,
  pack: oneEntityPerPacket,
  unpack: (outcome) => [outcome],
};
