import * as assert from 'node:assert/strict';
import type { FlagEnvironment } from '../../../src/kit';
import { flagSourceFromEntry, type FixtureServer } from '../../../src/kit/testing';
import { FLIPT_TOKEN, fliptNamespaces, startFliptApi } from '../../../test/contract/sources/flipt-api';
import { adapter } from '..';
import { startFliptFront, type FliptFront } from './snapshot-front';

type Namespaces = Record<string, { flags: Record<string, unknown>[] }>;
const live = (): AbortSignal => new AbortController().signal;

/**
 * Rules and rollouts read from each namespace's evaluation snapshot, over HTTP from the Flipt API stand-in: a boolean
 * flag that is "disabled" but rolled out to 30% is on for 30% in Jira; a variant flag's rules are named.
 */
describe('flipt end to end: rules and rollouts from the evaluation snapshot', () => {
  let api: FixtureServer;
  let front: FliptFront | undefined;
  let data: Namespaces;
  beforeEach(async () => {
    data = structuredClone(fliptNamespaces) as Namespaces;
    const flag = (ns: string, key: string) => data[ns]!.flags.find((f) => f['key'] === key)!;
    Object.assign(flag('prod', 'dark-mode'), {
      rollouts: [{ type: 'THRESHOLD_ROLLOUT_TYPE', rank: 1, threshold: { percentage: 30, value: true } }],
    });
    Object.assign(flag('prod', 'search-ranking'), {
      rules: [
        {
          rank: 1,
          segments: [{ key: 'beta-testers' }],
          distributions: [
            { variantKey: 'learned', rollout: 20 },
            { variantKey: 'bm25', rollout: 80 },
          ],
        },
      ],
    });
    api = await startFliptApi(data);
  });
  afterEach(async () => {
    await front?.close();
    front = undefined;
    await api.close();
  });

  async function production(url: string, key: string): Promise<FlagEnvironment> {
    const source = flagSourceFromEntry(adapter, {
      name: 'flipt',
      url,
      token: FLIPT_TOKEN,
      environments: [{ name: 'production', namespace: 'prod', type: 'production' }, { name: 'staging' }],
    });
    const { flags } = await source.snapshot(live());
    return flags.find((f) => f.key === key)!.environments.find((e) => e.name === 'production')!;
  }

  it('a boolean flag with enabled false and a 30% threshold to true is on for 30%', async () => {
    const env = await production(api.url, 'dark-mode');
    assert.deepEqual([env.enabled, env.defaultValue, env.rollout], [true, 'false', { percentage: 30 }]);
  });

  it("a variant flag's rules are named with their split, then what everyone else gets", async () => {
    const env = await production(api.url, 'search-ranking');
    assert.deepEqual(
      [env.enabled, env.defaultValue, env.rollout],
      [true, 'bm25', { rules: 1, text: 'segment beta-testers: learned 20%, bm25 80%; else bm25' }],
    );
  });

  it('a boolean flag whose thresholds leave nobody a `true` is off: 50% → false, then 30% → true', async () => {
    Object.assign(
      data['prod']!.flags.find((f) => f['key'] === 'new-checkout')!,
      {
        enabled: false,
        rollouts: [
          { type: 'THRESHOLD_ROLLOUT_TYPE', rank: 1, threshold: { percentage: 50, value: false } },
          { type: 'THRESHOLD_ROLLOUT_TYPE', rank: 2, threshold: { percentage: 30, value: true } },
        ],
      },
    );
    const env = await production(api.url, 'new-checkout');
    assert.deepEqual([env.enabled, env.defaultValue, env.rollout], [false, 'false', undefined]);
  });

  it('a boolean flag without rollouts is as `enabled` says', async () => {
    const env = await production(api.url, 'new-checkout');
    assert.deepEqual([env.enabled, env.defaultValue, env.rollout], [true, 'false', undefined]);
  });

  it('a Flipt without the snapshot endpoint (before 1.32): rules not read, the flag fields alone', async () => {
    front = await startFliptFront(api.url, 'missing');
    assert.deepEqual((await production(front.url, 'dark-mode')).enabled, false);
    assert.deepEqual((await production(front.url, 'search-ranking')).rollout, { text: 'rules not read; else bm25' });
  });

  it('a snapshot that fails (not a 404) fails the read: nothing is taken for an empty rule list', async () => {
    front = await startFliptFront(api.url, 'failing');
    await assert.rejects(production(front.url, 'dark-mode'), /evaluation\/snapshot\/namespace\/prod.*503|503.*evaluation\/snapshot/);
  });
});
