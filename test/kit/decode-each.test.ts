import { strict as assert } from 'node:assert';
import * as t from 'io-ts';
import { decodeItem, itemKeyOf, skipReason } from '../../src/kit';

const Flag = t.type({ key: t.string, enabled: t.boolean, tags: t.array(t.string), rank: t.number, owner: t.string });

describe('decode each or skip (kit)', () => {
  it('gives the decoded item', () => {
    const flag = { key: 'a', enabled: true, tags: [], rank: 1, owner: 'ada' };
    assert.deepEqual(decodeItem(Flag, flag), { ok: true, value: flag });
  });

  it('gives a reason naming the fields, never their values', () => {
    const result = decodeItem(Flag, { key: 'a', enabled: 'secret-value', tags: [], rank: 1, owner: 'ada' });
    assert.deepEqual(result, { ok: false, reason: 'enabled: expected boolean' });
  });

  it('lists three problems and counts the rest, in the wording the adapters use', () => {
    const result = decodeItem(Flag, { key: 'a' });
    assert.equal(
      !result.ok && result.reason,
      'enabled: expected boolean, but it is missing; tags: expected Array<string>, but it is missing; rank: expected number, but it is missing (and 1 more)',
    );
    assert.equal(skipReason(['a', 'b', 'c', 'd', 'e'], 2), 'a; b (and 3 more)');
    assert.equal(skipReason(['a', 'b']), 'a; b');
  });

  it('lists every problem when asked, and prefixes paths', () => {
    const result = decodeItem(Flag, { key: 'a' }, { maxProblems: Number.POSITIVE_INFINITY, prefix: 'flags[2]' });
    assert.equal(!result.ok && result.reason.split('; ').length, 4);
    assert.match(!result.ok ? result.reason : '', /^flags\[2\]\.enabled: expected boolean/);
  });

  it('reads the key a skipped item is reported by', () => {
    assert.equal(itemKeyOf({ name: 'new-checkout' }, 'name', 'a feature', 'row 1'), 'new-checkout');
  });

  it('fails the read when an item has no readable key: it could be neither reported nor kept', () => {
    for (const raw of [{ name: '' }, { name: 7 }, {}, null, 'text'])
      assert.throws(
        () => itemKeyOf(raw, 'name', 'a feature', 'feature search row 3'),
        new Error(
          'feature search row 3: a feature without a readable name (name: expected a non-empty string); it cannot be skipped safely',
        ),
      );
  });
});
