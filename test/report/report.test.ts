import { strict as assert } from 'node:assert';
import { flagChanges, describeFlag } from '../../src/report/flag-changes';
import { groupFailures } from '../../src/report/failure-groups';

const env = (name: string, enabled: boolean, percentage?: number) => ({
  environment: { name, type: 'production' },
  url: `https://flags.example/${name}`,
  status: percentage === undefined ? { enabled } : { enabled, rollout: { percentage } },
});

describe('report: flag value changes', () => {
  const before = { id: 'a', displayName: 'A', associations: [{ values: ['PROJ-1'] }], details: [env('production', false, 10)] };

  it('names each changed value with before → after', () => {
    const after = {
      displayName: 'A',
      associations: [{ values: ['PROJ-2'] }],
      details: [env('production', true, 30), env('staging', false)],
    };
    assert.deepEqual(
      flagChanges(before, after).map((c) => c.text),
      ['issue keys +PROJ-2 -PROJ-1', 'production: enabled false → true', 'production: rollout 10% → 30%', 'staging: added (off)'],
    );
  });

  it('finds nothing when only send-time fields differ', () => {
    assert.deepEqual(flagChanges({ ...before, details: [{ ...env('production', false, 10) }] }, before), []);
  });

  it('describes a new flag by environment', () => {
    assert.equal(
      describeFlag({ associations: [], details: [env('production', true, 30), env('dev', false)] }),
      'production: on, rollout 30%; dev: off',
    );
  });
});

describe('report: failure groups', () => {
  it('groups identical causes, largest first, with a hint', () => {
    const groups = groupFailures(
      [
        { id: 'a', error: 'POST x/bulk: HTTP 404' },
        { id: 'b', error: 'POST x/bulk: HTTP 404' },
        { id: 'c', error: 'aborted' },
      ],
      [{ id: 'd', messages: ['No valid issues found for feature flag'] }],
    );
    assert.deepEqual(
      groups.map((g) => [g.kind, g.ids.length, g.hint !== undefined]),
      [
        ['not sent', 2, true],
        ['not sent', 1, false],
        ['rejected by Jira', 1, true],
      ],
    );
    assert.match(groups[0]!.hint!, /jira\.cloudId or jira\.site/);
  });
});
