import * as assert from 'node:assert/strict';
import type { FliptFlag } from '../codecs';
import { metadataTags, normalizeFliptFlags } from '../map';

const settings = { provider: 'flipt', uiUrl: 'https://flipt.example' };
const flag = (extra: Partial<FliptFlag> = {}): FliptFlag => ({ key: 'search', enabled: true, type: 'BOOLEAN_FLAG_TYPE', ...extra });

describe('flipt mapping', () => {
  it('merges namespaces into one flag with one environment each', () => {
    const [out] = normalizeFliptFlags(
      [
        { environment: 'production', namespace: 'prod', flags: [flag({ enabled: false })] },
        { environment: 'staging', namespace: 'staging', flags: [flag()] },
      ],
      settings,
    );
    assert.deepEqual(
      out!.environments.map((e) => [e.name, e.enabled]),
      [
        ['production', false],
        ['staging', true],
      ],
    );
  });

  it('names what a variant flag serves when no rule matches; its default value is the default variant, on or off', () => {
    const variant = (extra: Partial<FliptFlag>) => flag({ type: 'VARIANT_FLAG_TYPE', defaultVariant: { key: 'bm25' }, ...extra });
    const [out] = normalizeFliptFlags(
      [
        { environment: 'production', namespace: 'prod', flags: [variant({})], targeting: new Map() },
        { environment: 'staging', namespace: 'stage', flags: [variant({ enabled: false })], targeting: new Map() },
        { environment: 'qa', namespace: 'qa', flags: [variant({})] },
      ],
      settings,
    );
    assert.deepEqual(
      out!.environments.map((e) => [e.enabled, e.defaultValue, e.rollout]),
      [
        [true, 'bm25', { text: 'everyone gets bm25' }],
        [false, 'bm25', undefined],
        [true, 'bm25', { text: 'rules not read; else bm25' }],
      ],
    );
  });

  it('gives a boolean flag the default value it serves while off (false), whether it is on or off', () => {
    const [out] = normalizeFliptFlags(
      [
        { environment: 'production', namespace: 'prod', flags: [flag({ enabled: true })] },
        { environment: 'staging', namespace: 'stage', flags: [flag({ enabled: false })] },
      ],
      settings,
    );
    assert.deepEqual(
      out!.environments.map((e) => e.defaultValue),
      ['false', 'false'],
    );
  });

  it('links each environment to the flag in its namespace in the Flipt UI', () => {
    const [out] = normalizeFliptFlags([{ environment: 'production', namespace: 'prod ns', flags: [flag()] }], settings);
    assert.equal(out!.environments[0]!.url, 'https://flipt.example/#/namespaces/prod%20ns/flags/search');
  });

  it("takes the newest updatedAt of any namespace as the flag's last update", () => {
    const [out] = normalizeFliptFlags(
      [
        { environment: 'production', namespace: 'prod', flags: [flag({ updatedAt: '2024-06-01T00:00:00Z' })] },
        { environment: 'staging', namespace: 'staging', flags: [flag({ updatedAt: '2024-06-09T00:00:00Z' })] },
      ],
      settings,
    );
    assert.equal(out!.lastUpdated, '2024-06-09T00:00:00Z');
  });

  it('turns string metadata into key:value tags and ignores other values', () => {
    assert.deepEqual(metadataTags({ jira: 'PROJ-1', owner: 'team-a', weight: 3, empty: '' }), ['jira:PROJ-1', 'owner:team-a']);
  });
});
