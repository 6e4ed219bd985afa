import { strict as assert } from 'node:assert';
import { createHash } from 'node:crypto';
import { changedFieldNames, fieldHashesOf, packFieldHashes, unpackFieldHashes } from '../../src/reconcile/field-hashes';
import { emptyState, recordsOf } from '../../src/reconcile/state';
import { planRun } from '../../src/reconcile/plan';
import type { DesiredEntity } from '../../src/reconcile/desired';
import { contentHash } from '../../src/reconcile/hash';

/** The object of md5 fingerprints state records held before the packed form. */
function legacy(fields: Record<string, unknown>): Record<string, string> {
  return Object.fromEntries(
    Object.entries(fields).map(([name, value]) => [name, createHash('md5').update(JSON.stringify(value)).digest('base64url').slice(0, 10)]),
  );
}

/** What a plan names between a stored form and the fields now. */
const changed = (stored: Parameters<typeof changedFieldNames>[0], now: Record<string, unknown>) =>
  changedFieldNames(stored, fieldHashesOf(now), () => now);

/** A desired flag entity `x` of provider `p` holding `value` (its fields, unless `fields` says otherwise). */
function entityWith(value: Record<string, unknown>, fields = () => value, fieldHashes?: string): DesiredEntity<unknown> {
  return {
    kind: 'featureflags',
    id: 'x',
    provider: 'p',
    hash: contentHash(value),
    payload: value,
    issueKeys: ['PROJ-1'],
    fields,
    ...(fieldHashes !== undefined && { fieldHashes }),
  };
}

describe('field fingerprints (packed into one string per state record)', () => {
  const before = { key: 'a', summary: 'old', 'env:production': { enabled: true }, 'env:odd "[name]"': 1 };
  const after = { key: 'a', summary: 'new', 'env:production': { enabled: false }, 'env:odd "[name]"': 1 };

  it('pack and unpack to the same names and hashes, in order, whatever the names hold', () => {
    const packed = fieldHashesOf(before);
    assert.equal(typeof packed, 'string');
    const fields = unpackFieldHashes(packed)!;
    assert.deepEqual([...fields.keys()], Object.keys(before));
    for (const hash of fields.values()) assert.match(hash, /^[A-Za-z0-9_-]{10}$/);
    assert.equal(packFieldHashes([...fields.keys()], [...fields.values()]), packed);
  });

  it('keep names apart whatever they hold (a name with the separator of the names cache among them)', () => {
    const two = packFieldHashes(['a', 'b'], ['AAAAAAAAAA', 'BBBBBBBBBB']);
    const one = packFieldHashes(['a\u0000b'], ['AAAAAAAAAA']);
    assert.deepEqual([...unpackFieldHashes(two)!.keys()], ['a', 'b']);
    assert.deepEqual([...unpackFieldHashes(one)!.keys()], ['a\u0000b']);
  });

  it('name the fields that changed, were added or went away', () => {
    const { summary: _, ...withoutSummary } = after;
    assert.deepEqual(changed(fieldHashesOf(before), after), ['env:production', 'summary']);
    assert.deepEqual(changed(fieldHashesOf(before), withoutSummary), ['env:production', 'summary']);
    assert.deepEqual(changed(fieldHashesOf(before), before), []);
  });

  it('compare a record of the legacy form (md5 by name) with the entity hashed the same way', () => {
    assert.deepEqual(changed(legacy(before), after), ['env:production', 'summary']);
    assert.deepEqual(changed(legacy(before), before), []);
  });

  it('name nothing for an unknown or unreadable record, rather than every field or an error', () => {
    for (const stored of [undefined, '', 'not packed', 'AAAAAAAAAA["a","b"]', 'AAAAAAAAAA[1]', 'AAAAAAAAAA["a"'])
      assert.deepEqual(changed(stored, after), [], String(stored));
  });

  it('let a plan name the changed fields against records of either form', () => {
    const entity = entityWith(after);
    for (const f of [fieldHashesOf(before), legacy(before)]) {
      const state = emptyState();
      recordsOf(state, 'featureflags')['x'] = { h: contentHash(before), s: 1, p: 'p', f };
      const desired = [
        { provider: 'p', ok: true as const, entities: [entity], keep: new Set<string>(), seen: 1, unlinked: 0, warnings: [] },
      ];
      const plan = planRun('featureflags', desired, state, { massDeleteThreshold: 1, allowMassDelete: false });
      const [write] = plan.providers[0]!.writes;
      assert.deepEqual(write!.changedFields, ['env:production', 'summary']);
      assert.equal(write!.fieldHashes, fieldHashesOf(after), 'state takes the packed form');
    }
  });

  it('a plan names the changed fields only when they are read (a run never reads them), and once', () => {
    let calls = 0;
    const entity = entityWith(
      after,
      () => {
        calls++;
        return after;
      },
      fieldHashesOf(after),
    );
    const state = emptyState();
    // A legacy record: comparing with it hashes the entity's fields the old way, so each comparison calls fields().
    recordsOf(state, 'featureflags')['x'] = { h: contentHash(before), s: 1, p: 'p', f: legacy(before) };
    const desired = [{ provider: 'p', ok: true as const, entities: [entity], keep: new Set<string>(), seen: 1, unlinked: 0, warnings: [] }];
    const [write] = planRun('featureflags', desired, state, { massDeleteThreshold: 1, allowMassDelete: false }).providers[0]!.writes;
    assert.equal(calls, 0);
    assert.deepEqual(write!.changedFields, ['env:production', 'summary']);
    assert.deepEqual(write!.changedFields, ['env:production', 'summary']);
    assert.equal(calls, 1);
  });
});
