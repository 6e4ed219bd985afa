import type { ProviderResult } from '../../src/reconcile/apply';

/** One provider's result of a run with nothing happened (3 flags seen), as `overrides` change it. */
export function providerResult(provider: string, overrides: Partial<ProviderResult> = {}): ProviderResult {
  return {
    provider,
    ok: true,
    seen: 3,
    unlinked: 0,
    created: 0,
    updated: 0,
    deleted: 0,
    unchanged: 0,
    rejected: [],
    failed: [],
    deletesRefused: 0,
    unknownIssueKeys: {},
    warnings: [],
    ...overrides,
  };
}
