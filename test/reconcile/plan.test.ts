import { strict as assert } from 'node:assert';
import { DEFAULT_LINKING } from '../../src/model/issue-keys';
import type { DesiredEntity, ProviderDesired } from '../../src/reconcile/desired';
import { desiredFlags } from '../../src/reconcile/desired-flags';
import { fieldHashesOf, unpackFieldHashes } from '../../src/reconcile/field-hashes';
import { contentHash } from '../../src/reconcile/hash';
import { nextSequence, planRun } from '../../src/reconcile/plan';
import { emptyState, recordsOf, type SyncState } from '../../src/reconcile/state';

type Content = Record<string, unknown>;

function entity(provider: string, id: string, content: Content): DesiredEntity<Content> {
  return { kind: 'featureflags', id, provider, hash: contentHash(content), payload: content, issueKeys: ['PROJ-1'], fields: () => content };
}

function source(provider: string, entities: DesiredEntity<Content>[], keep: string[] = []): ProviderDesired<Content> & { ok: true } {
  return { provider, ok: true, entities, keep: new Set(keep), seen: entities.length, unlinked: 0, warnings: [] };
}

function stateWith(records: Array<[string, string, Record<string, unknown>]>): SyncState {
  const state = emptyState();
  const flags = recordsOf(state, 'featureflags');
  for (const [provider, id, content] of records) {
    flags[id] = { h: contentHash(content), s: 100, p: provider, f: fieldHashesOf(content) };
  }
  return state;
}

const options = { massDeleteThreshold: 0.2, allowMassDelete: false };
const ten = Array.from({ length: 10 }, (_, i): [string, string, Record<string, unknown>] => ['a', `a:${i}`, { v: i }]);

describe('planRun (pure diff against last-accepted state)', () => {
  it('creates everything on an empty state', () => {
    const plan = planRun('featureflags', [source('a', [entity('a', 'a:1', { v: 1 })])], emptyState(), options);
    assert.deepEqual(
      plan.providers[0]!.writes.map((w) => [w.entity.id, w.action]),
      [['a:1', 'create']],
    );
  });

  it('sends nothing when nothing changed', () => {
    const plan = planRun(
      'featureflags',
      [
        source(
          'a',
          ten.map(([p, id, c]) => entity(p, id, c)),
        ),
      ],
      stateWith(ten),
      options,
    );
    assert.equal(plan.providers[0]!.writes.length, 0);
    assert.equal(plan.providers[0]!.unchanged, 10);
    assert.equal(plan.providers[0]!.deletes.length, 0);
  });

  it('updates exactly the changed entity and names the changed fields', () => {
    const entities = ten.map(([p, id, c]) => entity(p, id, id === 'a:3' ? { ...c, v: 'changed' } : c));
    const plan = planRun('featureflags', [source('a', entities)], stateWith(ten), options);
    const writes = plan.providers[0]!.writes;
    assert.deepEqual(
      writes.map((w) => [w.entity.id, w.action, w.changedFields]),
      [['a:3', 'update', ['v']]],
    );
    assert.equal(writes[0]!.previousSequence, 100);
  });

  it('deletes entities that vanished from a successful snapshot', () => {
    const entities = ten.filter(([, id]) => id !== 'a:4').map(([p, id, c]) => entity(p, id, c));
    const plan = planRun('featureflags', [source('a', entities)], stateWith(ten), options);
    assert.deepEqual(plan.providers[0]!.deletes, ['a:4']);
  });

  it('a failed provider deletes nothing and leaves other providers alone', () => {
    const b: Array<[string, string, Record<string, unknown>]> = [['b', 'b:1', { v: 1 }]];
    const plan = planRun('featureflags', [{ provider: 'a', ok: false, error: 'down' }, source('b', [])], stateWith([...ten, ...b]), {
      ...options,
      allowMassDelete: true,
    });
    assert.equal(plan.providers[0]!.deletes.length, 0);
    assert.equal(plan.providers[0]!.ok, false);
    assert.deepEqual(plan.providers[1]!.deletes, ['b:1']);
  });

  it('never deletes an entity skipped for bad data', () => {
    const entities = ten.filter(([, id]) => id !== 'a:4').map(([p, id, c]) => entity(p, id, c));
    const plan = planRun('featureflags', [source('a', entities, ['a:4'])], stateWith(ten), options);
    assert.deepEqual(plan.providers[0]!.deletes, []);
  });

  it('refuses deletes above the mass-delete share unless allowed', () => {
    const entities = ten.slice(0, 7).map(([p, id, c]) => entity(p, id, c));
    const guarded = planRun('featureflags', [source('a', entities)], stateWith(ten), options).providers[0]!;
    assert.deepEqual(guarded.deletes, []);
    assert.deepEqual(guarded.refusedDeletes, ['a:7', 'a:8', 'a:9']);
    const allowed = planRun('featureflags', [source('a', entities)], stateWith(ten), { ...options, allowMassDelete: true }).providers[0]!;
    assert.deepEqual(allowed.deletes, ['a:7', 'a:8', 'a:9']);
  });

  it('deletes exactly at the threshold are allowed (20% of 10 = 2)', () => {
    const entities = ten.slice(0, 8).map(([p, id, c]) => entity(p, id, c));
    assert.equal(planRun('featureflags', [source('a', entities)], stateWith(ten), options).providers[0]!.deletes.length, 2);
  });

  it('counts ids recognised as unchanged by their source fingerprint, and never deletes them', () => {
    const recognised: ProviderDesired<Content> = { ...source('a', []), unchanged: ten.map(([, id]) => id) };
    const plan = planRun('featureflags', [recognised], stateWith(ten), options).providers[0]!;
    assert.equal(plan.unchanged, 10);
    assert.deepEqual(plan.deletes, []);
    assert.deepEqual(plan.refusedDeletes, []);
  });

  it('sequence ids come from the clock and always grow', () => {
    assert.equal(nextSequence(0, 1_700_000_000_000), 1_700_000_000_000);
    assert.equal(nextSequence(1_800_000_000_000, 1_700_000_000_000), 1_800_000_000_001);
  });
});

describe('desiredFlags source fingerprints', () => {
  const flag = {
    provider: 'p',
    key: 'PROJ-1-x',
    tags: [],
    issueKeys: [],
    url: 'https://x.example/f',
    environments: [{ name: 'production', enabled: true, rollout: { percentage: 5 } }],
  };
  const settings = { provider: 'p', linking: DEFAULT_LINKING, environmentTypes: new Map() };

  it('skips mapping a flag whose fingerprint matches what Jira accepted', () => {
    const first = desiredFlags([flag], settings);
    const fingerprint = first.entities[0]!.inputHash!;
    const second = desiredFlags([flag], settings, () => fingerprint);
    assert.deepEqual(second.unchanged, ['p:PROJ-1-x']);
    assert.equal(second.entities.length, 0);
  });

  it('maps again when the flag or the mapping settings change', () => {
    const fingerprint = desiredFlags([flag], settings).entities[0]!.inputHash!;
    const changedFlag = { ...flag, environments: [{ name: 'production', enabled: false }] };
    assert.equal(desiredFlags([changedFlag], settings, () => fingerprint).entities.length, 1);
    const changedSettings = { ...settings, environmentTypes: new Map([['production', 'staging' as const]]) };
    assert.equal(desiredFlags([flag], changedSettings, () => fingerprint).entities.length, 1);
  });

  it('leaves times out: a flag whose times alone moved is recognised', () => {
    const fingerprint = desiredFlags([flag], settings).entities[0]!.inputHash!;
    const later = {
      ...flag,
      lastUpdated: '2026-05-06T07:08:09.000Z',
      environments: flag.environments.map((env) => ({ ...env, lastUpdated: '2026-05-06T07:08:09.000Z' })),
    };
    assert.deepEqual(desiredFlags([later], settings, () => fingerprint).unchanged, ['p:PROJ-1-x']);
  });

  it('reads an absent field and one set to undefined alike', () => {
    const fingerprint = desiredFlags([flag], settings).entities[0]!.inputHash!;
    const explicit = { ...flag, name: undefined, environments: [{ ...flag.environments[0]!, defaultValue: undefined, url: undefined }] };
    assert.deepEqual(desiredFlags([explicit], settings, () => fingerprint).unchanged, ['p:PROJ-1-x']);
  });

  it('moves with every field the Jira form is made of', () => {
    const env = flag.environments[0]!;
    const variants: Record<string, unknown>[] = [
      { name: 'X' },
      { description: 'PROJ-2' },
      { tags: ['a'] },
      { tags: ['a', 'b'] },
      { url: 'https://x.example/g' },
      { url: undefined },
      { issueKeys: ['PROJ-3'] },
      { environments: [{ ...env, name: 'staging' }] },
      { environments: [{ ...env, enabled: false }] },
      { environments: [{ ...env, defaultValue: 'on' }] },
      { environments: [{ ...env, rollout: { percentage: 6 } }] },
      { environments: [{ ...env, rollout: { rules: 1, text: '1 rule' } }] },
      { environments: [{ ...env, rollout: undefined }] },
      { environments: [{ ...env, url: 'https://x.example/p' }] },
      { environments: [env, { name: 'staging', enabled: true }] },
      { environments: [] },
    ];
    const fingerprint = desiredFlags([flag], settings).entities[0]!.inputHash!;
    for (const variant of variants) {
      const changed = desiredFlags([{ ...flag, ...variant }], settings, () => fingerprint);
      assert.deepEqual(changed.unchanged, [], JSON.stringify(variant));
    }
  });

  it('hashes a flag and its fields as contentHash and fieldHashes of its Jira form do, with or without properties', () => {
    const full = {
      ...flag,
      name: 'Checkout "v2"',
      issueKeys: ['PROJ-1', 'PROJ-2'],
      environments: [
        { name: 'production', enabled: true, rollout: { percentage: 5 }, defaultValue: 'off' },
        { name: 'staging', enabled: false, url: 'https://x.example/s\u00e9' },
      ],
    };
    for (const properties of [undefined, { team: 'growth' }]) {
      const [entity] = desiredFlags([full], { ...settings, ...(properties !== undefined && { properties }) }).entities;
      const jiraFlag = entity!.payload.flag;
      const expected =
        properties === undefined ? contentHash(jiraFlag) : contentHash([JSON.stringify(Object.entries(properties)), jiraFlag]);
      assert.equal(entity!.hash, expected);
      assert.equal(entity!.fieldHashes, fieldHashesOf(entity!.fields()));
      assert.deepEqual(
        [...unpackFieldHashes(entity!.fieldHashes!)!.keys()],
        ['key', 'displayName', 'issueKeys', 'summary', 'env:production', 'env:staging'],
      );
    }
  });
});

describe('flags the adapter skipped for bad data', () => {
  it('are warned about by name and never deleted because of that', () => {
    const state = stateWith([['p', 'p:PROJ-1-x', { v: 1 }]]);
    const desired = desiredFlags([], { provider: 'p', linking: DEFAULT_LINKING, environmentTypes: new Map() }, () => undefined, [
      { key: 'PROJ-1-x', reason: 'strategy "flexibleRollout" has rollout "abc"' },
    ]);
    assert.deepEqual(desired.warnings, [
      'flag p:PROJ-1-x: skipped, the source\'s data could not be used: strategy "flexibleRollout" has rollout "abc"',
    ]);
    const plan = planRun('featureflags', [desired], state, { massDeleteThreshold: 0.2, allowMassDelete: true }).providers[0]!;
    assert.deepEqual(plan.deletes, []);
  });
});

describe('providers removed from the config', () => {
  it('plan the removal of their entities, held back by the mass-delete guard unless allowed', () => {
    const state = stateWith([...ten, ['gone', 'gone:1', { v: 1 }], ['gone', 'gone:2', { v: 2 }]]);
    const keep = source(
      'a',
      ten.map(([p, id, c]) => entity(p, id, c)),
    );
    const guarded = planRun('featureflags', [keep], state, options).providers.find((p) => p.provider === 'gone')!;
    assert.deepEqual([guarded.deletes, guarded.refusedDeletes], [[], ['gone:1', 'gone:2']]);
    assert.match(guarded.warnings[0]!, /no longer in the config/);
    const allowed = planRun('featureflags', [keep], state, { ...options, allowMassDelete: true }).providers.find(
      (p) => p.provider === 'gone',
    )!;
    assert.deepEqual(allowed.deletes, ['gone:1', 'gone:2']);
  });

  it('wait, saying so, while a configured provider cannot be read (it may send the same ids: devinfo ids name no provider)', () => {
    const state = stateWith([...ten, ['gone', 'gone:1', { v: 1 }]]);
    const plan = planRun('featureflags', [{ provider: 'a', ok: false, error: 'down' }], state, { ...options, allowMassDelete: true });
    const gone = plan.providers.find((p) => p.provider === 'gone')!;
    assert.deepEqual([gone.deletes, gone.refusedDeletes], [[], []]);
    assert.match(
      gone.warnings[0]!,
      /no longer in the config; Jira still holds 1 of its entities; they are deleted once every configured provider can be read again/,
    );
  });
});

describe('ids another configured provider sends', () => {
  it('are neither deleted nor forgotten by the provider that lost them, whichever comes first (a repository moved between providers)', () => {
    const web: Array<[string, string, Record<string, unknown>]> = [
      ['code', 'web/branch/main', { b: 1 }],
      ['code', 'web/commit/c1', { c: 1 }],
    ];
    const docs: [string, string, Record<string, unknown>] = ['code', 'docs/branch/main', { d: 1 }];
    const state = stateWith([...web, docs, ['code', 'old/branch/main', { o: 1 }]]);
    const leaves = source('code', [entity('code', docs[1], docs[2])]);
    const joins = source(
      'code-api',
      web.map(([, id, c]) => entity('code-api', id, c)),
    );
    const isHistory = (id: string) => id.includes('/commit/');
    for (const order of [
      [leaves, joins],
      [joins, leaves],
    ]) {
      const plan = planRun('featureflags', order, state, { ...options, allowMassDelete: true, isHistory });
      const code = plan.providers.find((p) => p.provider === 'code')!;
      // Only what no provider sends any more goes.
      assert.deepEqual([code.deletes, code.forget], [['old/branch/main'], []]);
      const api = plan.providers.find((p) => p.provider === 'code-api')!;
      assert.deepEqual(
        api.writes.map((w) => [w.entity.id, w.action]),
        [
          ['web/branch/main', 'update'],
          ['web/commit/c1', 'update'],
        ],
      );
    }
  });
});

describe('ids no longer listed while another provider cannot be read', () => {
  // Provider `code` stopped listing repository `web`: it moved to `code-api`, which cannot be read this run. Devinfo
  // ids name no provider, so `web`'s branches may be code-api's now.
  const web: Array<[string, string, Record<string, unknown>]> = [
    ['code', 'web/branch/main', { b: 1 }],
    ['code', 'web/branch/PROJ-1-x', { b: 2 }],
    ['code', 'web/commit/c1', { c: 1 }],
  ];
  const docs: [string, string, Record<string, unknown>] = ['code', 'docs/branch/main', { d: 1 }];
  const state = stateWith([...web, docs]);
  const isHistory = (id: string) => id.includes('/commit/');
  const leaves = source('code', [entity('code', docs[1], docs[2])]);

  it('are neither deleted nor forgotten while the provider that may send them cannot be read, saying so', () => {
    const plan = planRun('featureflags', [leaves, { provider: 'code-api', ok: false, error: 'timeout' }], state, {
      ...options,
      allowMassDelete: true,
      isHistory,
    });
    const code = plan.providers.find((p) => p.provider === 'code')!;
    assert.deepEqual([code.deletes, code.forget, code.refusedDeletes], [[], [], []]);
    assert.match(code.warnings.join('\n'), /3 of its entities it no longer lists are kept, .*another provider cannot be read/);
    // Once the other provider is read and does not send them, they go.
    const later = planRun('featureflags', [leaves, source('code-api', [])], state, { ...options, allowMassDelete: true, isHistory });
    const after = later.providers.find((p) => p.provider === 'code')!;
    assert.deepEqual([after.deletes, after.forget], [['web/branch/main', 'web/branch/PROJ-1-x'], ['web/commit/c1']]);
  });
});

describe('mass-delete guard over part of the entities', () => {
  it('counts only ids that are not history (devinfo: branches, not commits)', () => {
    const branches: Array<[string, string, Record<string, unknown>]> = Array.from({ length: 10 }, (_, i) => [
      'git',
      `web/branch/b${i}`,
      { b: i },
    ]);
    const commits: Array<[string, string, Record<string, unknown>]> = Array.from({ length: 200 }, (_, i) => [
      'git',
      `web/commit/c${i}`,
      { c: i },
    ]);
    const state = stateWith([...branches, ...commits]);
    const keepCommits = source(
      'git',
      commits.map(([p, id, c]) => entity(p, id, c)),
    );
    const guarded = { massDeleteThreshold: 0.2, allowMassDelete: false, isHistory: (id: string) => id.includes('/commit/') };
    const plan = planRun('featureflags', [keepCommits], state, guarded).providers[0]!;
    assert.equal(plan.deletes.length, 0, 'all 10 branches vanishing is 100% of branches, not 10/210');
    assert.equal(plan.refusedDeletes.length, 10);
    const unguarded = planRun('featureflags', [keepCommits], state, { massDeleteThreshold: 0.2, allowMassDelete: false }).providers[0]!;
    assert.equal(unguarded.deletes.length, 10);
  });

  it('forgets history that left the source instead of deleting it, whatever the guard says', () => {
    const branches: Array<[string, string, Content]> = Array.from({ length: 10 }, (_, i) => ['git', `web/branch/b${i}`, { b: i }]);
    const commits: Array<[string, string, Content]> = Array.from({ length: 4 }, (_, i) => ['git', `web/commit/c${i}`, { c: i }]);
    const state = stateWith([...branches, ...commits]);
    const options = { massDeleteThreshold: 0.2, allowMassDelete: false, isHistory: (id: string) => id.includes('/commit/') };
    const wanted = source(
      'git',
      [...branches.slice(0, 5), ...commits.slice(0, 1)].map(([p, id, c]) => entity(p, id, c)),
    );
    const plan = planRun('featureflags', [wanted], state, options).providers[0]!;
    assert.deepEqual(plan.forget, ['web/commit/c1', 'web/commit/c2', 'web/commit/c3']);
    assert.deepEqual([plan.deletes.length, plan.refusedDeletes.length, plan.known], [0, 5, 11]);
  });
});
