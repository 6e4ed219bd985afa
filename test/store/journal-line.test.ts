import { strict as assert } from 'node:assert';
import type { RecordChange } from '../../src/reconcile/state-store';
import { changesOfLine, journalLine } from '../../src/store/file/journal-line';
import { random } from '../helpers/random-json';

describe('state journal lines', () => {
  const mark = (id: string, s = 9, p = 'demo'): RecordChange => ({ type: 'inflight', kind: 'featureflags', id, s, p });

  it("write a batch's marks as one entry of ids, and read them back one change per entity", () => {
    const batch = Array.from({ length: 100 }, (_, i) => mark(`demo:flag-${i}`));
    const line = journalLine(batch);
    assert.equal((JSON.parse(line) as unknown[]).length, 1);
    assert.ok(line.length < 100 * 20, `${line.length} characters`);
    assert.deepEqual(changesOfLine(line), batch);
  });

  it('keep every change and its order, whatever the mix', () => {
    const next = random(11);
    const pick = <T>(items: readonly T[]): T => items[Math.floor(next() * items.length)]!;
    for (let n = 0; n < 500; n++) {
      const changes: RecordChange[] = Array.from({ length: Math.floor(next() * 12) }, (): RecordChange => {
        const id = pick(['a', 'b', 'c']);
        switch (pick(['inflight', 'inflight', 'put', 'delete', 'source'] as const)) {
          case 'inflight':
            return mark(id, pick([1, 2]), pick(['demo', 'other']));
          case 'put':
            return {
              type: 'put',
              kind: pick(['featureflags', 'devinfo'] as const),
              id,
              record: { h: 'x', s: 1, p: 'demo', f: 'AAAAAAAAAA["key"]' },
            };
          case 'delete':
            return { type: 'delete', kind: 'featureflags', id };
          default:
            return next() < 0.5
              ? { type: 'source', provider: id }
              : { type: 'source', provider: id, record: { f: 'fp', m: 'm', n: 1, u: 0 } };
        }
      });
      assert.deepEqual(changesOfLine(journalLine(changes)), changes, JSON.stringify(changes));
    }
  });

  it('are not read from a torn or foreign line', () => {
    const line = journalLine([mark('a'), mark('b')]);
    for (const bad of [line.slice(0, -3), 'not json', '{}', '[{"type":"inflight","kind":"featureflags","id":"a","s":1,"p":"demo"}]'])
      assert.equal(changesOfLine(bad), undefined, bad);
  });
});
