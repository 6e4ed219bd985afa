import { strict as assert } from 'node:assert';
import { ADAPTER_CONTRACT_VERSION } from '../../../src/kit';
import { flagSourceFromEntry, providerProblems } from '../../../src/kit/testing';
import { adapter as flagdAdapter } from '../index';

const base = { name: 'demo' };

/** What `flagsync validate` reports for the entry: the core's shared checks and the adapter's own keys. */
function problems(options: Record<string, unknown>): string[] {
  return providerProblems(flagdAdapter, options);
}

describe('flagd options', () => {
  it('has the contract shape', () => {
    assert.equal(flagdAdapter.name, 'flagd');
    assert.equal(flagdAdapter.contractVersion, ADAPTER_CONTRACT_VERSION);
  });

  it('accepts the documented per-environment config', () => {
    const options = {
      ...base,
      environments: [
        { name: 'production', type: 'production', source: './config/demo/production.flagd.json' },
        { name: 'staging', type: 'staging', source: './config/demo/staging.flagd.json' },
      ],
    };
    assert.deepEqual(problems(options), []);
  });

  it("accepts a provider-level source with urlTemplate, onVariants, headers and the core's own keys", () => {
    const options = {
      ...base,
      source: 'https://flags.example/all.flagd.json',
      urlTemplate: 'https://git.example/flags/blob/main/{environment}.flagd.json#{key}',
      onVariants: ['on', 'treatment'],
      headers: { Authorization: 'token x' },
      timeoutSeconds: 10,
      linking: { tags: true },
      environments: [{ name: 'production' }, { name: 'staging' }],
    };
    assert.deepEqual(problems(options), []);
  });

  const rows: { name: string; options: Record<string, unknown>; problem: string }[] = [
    {
      name: 'an environment without a source when the provider has none',
      options: { environments: [{ name: 'production', source: './p.json' }, { name: 'staging' }] },
      problem: 'providers[0]: expected a `source` on the provider or on every environment (environments[1] has none)',
    },
    {
      name: 'no environments',
      options: { source: './all.json', environments: [] },
      problem: 'providers[0]: expected at least one environment',
    },
    {
      name: 'duplicate environment names',
      options: { source: './all.json', environments: [{ name: 'production' }, { name: 'production' }] },
      problem: 'providers[0].environments[1].name: "production" is already the name of providers[0].environments[0]',
    },
    {
      name: 'a source URL of another scheme',
      options: { environments: [{ name: 'production', source: 'ftp://x/flags.json' }] },
      problem: 'providers[0].environments[0].source: expected a file path or an http(s) URL, got "ftp://x/flags.json"',
    },
    {
      name: 'a urlTemplate that is no URL',
      options: { source: './a.json', urlTemplate: '{environment}/{key}', environments: [{ name: 'production' }] },
      problem:
        'providers[0].urlTemplate: expected a URL template such as "https://git.example/flags/{environment}.flagd.json#{key}", got "{environment}/{key}"',
    },
    {
      name: 'an unknown environment type',
      options: { source: './a.json', environments: [{ name: 'production', type: 'prod' }] },
      problem: 'providers[0].environments[0].type: expected one of production, staging, testing, development, got "prod"',
    },
  ];
  for (const row of rows) {
    it(`rejects ${row.name}`, () => assert.deepEqual(problems({ ...base, ...row.options }), [row.problem]));
  }

  it('never prints header values in problems', () => {
    const text = problems({ ...base, environments: [{ name: 'p', source: './a.json' }], headers: { Authorization: 42 } }).join('\n');
    assert.ok(text.includes('providers[0].headers'));
    assert.ok(!text.includes('42'));
  });

  it('creates a source that reports its environments', () => {
    const source = flagSourceFromEntry(
      flagdAdapter,
      { ...base, source: './a.json', environments: [{ name: 'production' }, { name: 'staging' }] },
      { configDir: '/tmp' },
    );
    assert.deepEqual(source.environments, ['production', 'staging']);
  });
});
