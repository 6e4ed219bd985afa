import { strict as assert } from 'node:assert';
import type { RecordChange } from '../../src/reconcile/state-store';
import { journalLine, readJournalLine } from '../../src/store/file/journal-line';
import { random } from '../helpers/random-json';

describe('state journal lines', () => {
  const mark = (id: string, s = 9, p = 'demo'): RecordChange => ({ type: 'inflight', kind: 'featureflags', id, s, p });

  it("write a batch's marks as one entry of ids, and read them back one change per entity", () => {
    const batch = Array.from({ length: 100 }, (_, i) => mark(`demo:flag-${i}`));
    const line = journalLine(batch);
    assert.equal((JSON.parse(line) as unknown[]).length, 1);
    assert.ok(line.length < 100 * 20, `${line.length} characters`);
    assert.deepEqual(readJournalLine(line), { changes: batch });
  });

  it('keep every change and its order, whatever the mix', () => {
    const next = random(11);
    const pick = <T>(items: readonly T[]): T => items[Math.floor(next() * items.length)]!;
    for (let n = 0; n < 500; n++) {
      const changes: RecordChange[] = Array.from({ length: Math.floor(next() * 12) }, (): RecordChange => {
        const id = pick(['a', 'b', 'c']);
        switch (pick(['inflight', 'inflight', 'put', 'delete', 'source', 'repository'] as const)) {
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
          case 'repository':
            return next() < 0.5 ? { type: 'repository', id } : { type: 'repository', id, record: { p: pick(['git', 'code']) } };
          default:
            return next() < 0.5
              ? { type: 'source', provider: id }
              : { type: 'source', provider: id, record: { f: 'fp', m: 'm', n: 1, u: 0 } };
        }
      });
      assert.deepEqual(readJournalLine(journalLine(changes)), { changes }, JSON.stringify(changes));
    }
  });

  it('tell a torn line (not JSON) from one of a shape this version does not write', () => {
    const line = journalLine([mark('a'), mark('b')]);
    for (const torn of [line.slice(0, -3), line.slice(0, 1), 'not json'])
      assert.deepEqual(readJournalLine(torn), { problem: 'torn' }, torn);
    for (const unknown of ['{}', '[{"type":"inflight","kind":"featureflags","id":"a","s":1,"p":"demo"}]', '[{"type":"move"}]'])
      assert.deepEqual(readJournalLine(unknown), { problem: 'unknown' }, unknown);
  });
});
