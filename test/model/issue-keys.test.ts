import { strict as assert } from 'node:assert';
import { isIssueKey, issueKeysInText, linkIssueKeys, MAX_ISSUE_KEYS, DEFAULT_LINKING } from '../../src/model/issue-keys';

const base = { key: 'x', tags: [] as string[], issueKeys: [] as string[] };

describe('issue-key linking', () => {
  const cases: Array<[string, Parameters<typeof linkIssueKeys>[0], string[]]> = [
    ['key prefix in lower case is not a key by default', { ...base, key: 'proj-123-new-checkout' }, []],
    ['key prefix, upper case', { ...base, key: 'PROJ-1-alpha' }, ['PROJ-1']],
    ['key in the middle with underscores', { ...base, key: 'new_checkout_WEB-42_v2' }, ['WEB-42']],
    ['project key with an underscore is read whole', { ...base, key: 'MY_PROJ-12-checkout' }, ['MY_PROJ-12']],
    [
      'underscore key in prose and in a name',
      { ...base, name: 'Checkout (MY_PROJ-3)', description: 'see OPS_TEAM-7' },
      ['MY_PROJ-3', 'OPS_TEAM-7'],
    ],
    ['typed tag', { ...base, tags: ['jira:DEMO-3'] }, ['DEMO-3']],
    ['plain tag that is a key', { ...base, tags: ['DEMO-4'] }, ['DEMO-4']],
    ['typed tag in lower case', { ...base, tags: ['jira:demo-5'] }, ['DEMO-5']],
    ['other tag types count only as upper-case keys', { ...base, tags: ['owner:team-42', 'region:eu-1', 'simple:PROJ-8'] }, ['PROJ-8']],
    ['ordinary flag keys invent no keys', { ...base, key: 'release-2024-q1', name: 'onboarding-step-2 for gpt-4 (utf-8)' }, []],
    ['single-letter project is not a key even in upper case', { ...base, key: 'V-2-banner' }, []],
    ['tag with several keys', { ...base, tags: ['jira:PROJ-1,PROJ-2'] }, ['PROJ-1', 'PROJ-2']],
    ['tag that is not a key', { ...base, tags: ['team:payments', 'release-2024'] }, []],
    ['description prose, upper case only', { ...base, description: 'Implements OPS-7; see covid-19 notes' }, ['OPS-7']],
    ['name', { ...base, name: 'Checkout (PROJ-9)' }, ['PROJ-9']],
    ['explicit keys first, de-duplicated', { ...base, key: 'PROJ-1-x', issueKeys: ['PROJ-1'], tags: ['jira:PROJ-1'] }, ['PROJ-1']],
    ['leading zero is not a key', { ...base, key: 'PROJ-012-x' }, []],
    ['single-letter project is not a key', { ...base, key: 'A-1' }, []],
    ['digits before the dash are not a key', { ...base, key: '22-123' }, []],
  ];
  for (const [name, source, expected] of cases) {
    it(name, () => assert.deepEqual(linkIssueKeys(source).keys, expected));
  }

  it("takes a key of at most 255 characters a part, as Jira's pattern does", () => {
    assert.equal(isIssueKey(`PROJ-${'1'.repeat(255)}`), true);
    assert.equal(isIssueKey(`PROJ-${'1'.repeat(256)}`), false);
    assert.equal(isIssueKey(`${'P'.repeat(256)}-1`), false);
  });

  it('ignoreCase accepts a lower-case key at the start of the flag key only', () => {
    const ignoreCase = { ...DEFAULT_LINKING, ignoreCase: true };
    assert.deepEqual(linkIssueKeys({ ...base, key: 'proj-123-new-checkout' }, ignoreCase).keys, ['PROJ-123']);
    assert.deepEqual(linkIssueKeys({ ...base, key: 'ui-2-rollout' }, ignoreCase).keys, ['UI-2']);
    assert.deepEqual(linkIssueKeys({ ...base, key: 'checkout-proj-12' }, ignoreCase).keys, []);
  });

  it('honours switched-off sources', () => {
    const source = { ...base, key: 'PROJ-1-x', name: 'PROJ-2', description: 'PROJ-3', tags: ['PROJ-4'] };
    assert.deepEqual(linkIssueKeys(source, { tags: false, key: false, name: true, description: false }).keys, ['PROJ-2']);
    assert.deepEqual(linkIssueKeys(source, DEFAULT_LINKING).keys, ['PROJ-4', 'PROJ-1', 'PROJ-2', 'PROJ-3']);
  });

  it('counts only tags of the configured types when tagTypes is set', () => {
    const source = { ...base, tags: ['jira:PROJ-1', 'other:PROJ-2', 'PROJ-3'] };
    assert.deepEqual(linkIssueKeys(source, { ...DEFAULT_LINKING, key: false, tagTypes: ['jira'] }).keys, ['PROJ-1']);
  });

  it('matches tag types in any case, on both sides, and takes their values in any case', () => {
    const source = { ...base, tags: ['Jira:proj-7', 'JIRA:PROJ-8', 'other:PROJ-9'] };
    for (const tagTypes of [['Jira'], ['jira'], ['JIRA']])
      assert.deepEqual(linkIssueKeys(source, { ...DEFAULT_LINKING, key: false, tagTypes }).keys, ['PROJ-7', 'PROJ-8'], tagTypes[0]);
  });

  it('reports explicit keys that are not Jira keys', () => {
    const result = linkIssueKeys({ ...base, issueKeys: ['PROJ-1', 'nonsense'] });
    assert.deepEqual(result.keys, ['PROJ-1']);
    assert.deepEqual(result.invalid, ['nonsense']);
  });

  it(`caps at ${MAX_ISSUE_KEYS} keys and says how many were found`, () => {
    const issueKeys = Array.from({ length: 600 }, (_, i) => `PROJ-${i + 1}`);
    const result = linkIssueKeys({ ...base, issueKeys });
    assert.equal(result.keys.length, MAX_ISSUE_KEYS);
    assert.equal(result.found, 600);
  });

  it('finds keys in branch names and commit messages', () => {
    assert.deepEqual(issueKeysInText('feature/PROJ-9-login'), ['PROJ-9']);
    assert.deepEqual(issueKeysInText('Fix WEB-1 and web-2 [OPS-3]'), ['WEB-1', 'WEB-2', 'OPS-3']);
    assert.deepEqual(issueKeysInText('Fix WEB-1 and web-2', true), ['WEB-1']);
    assert.deepEqual(issueKeysInText('feature/MY_PROJ-12-login', true), ['MY_PROJ-12']);
  });
});
