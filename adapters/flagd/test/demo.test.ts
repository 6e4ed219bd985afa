import { strict as assert } from 'node:assert';
import * as path from 'node:path';
import type { NormalizedFlag } from '../../../src/kit/flag';
import { linkIssueKeys } from '../../../src/model/issue-keys';
import { flagdSource, liveSignal } from './helpers';

/** The bundled demo data (config/demo), read with the config the docs show, relative to the repository root. */
const REPO_ROOT = path.resolve(__dirname, '../../..');
const demoOptions = {
  environments: [
    { name: 'production', type: 'production', source: './config/demo/production.flagd.json' },
    { name: 'staging', type: 'staging', source: './config/demo/staging.flagd.json' },
  ],
};

describe('flagd demo data (config/demo)', () => {
  let flags: readonly NormalizedFlag[];
  const byKey = (key: string) => flags.find((f) => f.key === key)!;
  const env = (key: string, name: string) => byKey(key).environments.find((e) => e.name === name)!;

  before(async () => {
    ({ flags } = await flagdSource(demoOptions, REPO_ROOT, 'demo').snapshot(liveSignal()));
  });

  it('validates and yields eight flags, each in both environments', () => {
    assert.equal(flags.length, 8);
    for (const flag of flags)
      assert.deepEqual(
        flag.environments.map((e) => e.name),
        ['production', 'staging'],
        flag.key,
      );
  });

  it('rolls PROJ-1-alpha out to 25% in production', () => {
    const production = env('PROJ-1-alpha', 'production');
    assert.deepEqual([production.enabled, production.rollout], [true, { percentage: 25 }]);
  });

  it('links every flag but one in the ways the README lists', () => {
    const links = Object.fromEntries(flags.map((f) => [f.key, linkIssueKeys(f).keys]));
    assert.deepEqual(links, {
      'PROJ-1-alpha': ['PROJ-1'], // key prefix
      'new-search-ranking': ['DEMO-2'], // description
      'dark-mode': ['DEMO-3'], // tag jira:DEMO-3
      'checkout-button-color': ['PROJ-4'], // metadata.jira
      'beta-dashboard': ['DEMO-5', 'PROJ-5'], // metadata.issueKeys
      'recommendations-engine': ['PROJ-6'], // description
      'max-upload-size-mb': ['DEMO-7'], // tag
      'maintenance-banner': [], // unlinked on purpose
    });
  });

  it('has a multivariate string flag described by its split', () => {
    assert.deepEqual(env('checkout-button-color', 'production').rollout, { rules: 1, text: 'fractional blue 50%, green 30%, orange 20%' });
  });

  it('has a flag disabled in staging only', () => {
    assert.deepEqual([env('dark-mode', 'production').enabled, env('dark-mode', 'staging').enabled], [true, false]);
  });

  it('has a rule-based flag built from $evaluators', () => {
    assert.deepEqual(env('beta-dashboard', 'production').rollout, { rules: 2, text: '2 rules; else off' });
  });
});
