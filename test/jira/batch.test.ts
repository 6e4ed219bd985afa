import assert from 'node:assert/strict';
import { BatchCursor, bodyOf, envelopeOf, halveBatch, type Batch, type BatchLimits } from '../../src/jira/batch';

const numbers = (n: number) => Array.from({ length: n }, (_, i) => i);
const noBytesCap = { maxBytes: Number.MAX_SAFE_INTEGER };
const flagsEnvelope = envelopeOf({ flags: [] }, 'flags');

function allBatches<E>(entities: readonly E[], limits: BatchLimits<E>, envelope = flagsEnvelope): Batch<E>[] {
  const cursor = new BatchCursor(entities, limits, envelope);
  const batches: Batch<E>[] = [];
  for (let batch = cursor.take(); batch !== undefined; batch = cursor.take()) batches.push(batch);
  return batches;
}

const split = <E>(entities: readonly E[], limits: BatchLimits<E>) => allBatches(entities, limits).map((b) => b.entities);

describe('jira batching (pure)', () => {
  it('keeps exactly maxCount entities in one batch', () => {
    assert.deepEqual(
      split(numbers(100), { maxCount: 100, ...noBytesCap }).map((b) => b.length),
      [100],
    );
  });

  it('starts a second batch at maxCount + 1', () => {
    assert.deepEqual(
      split(numbers(101), { maxCount: 100, ...noBytesCap }).map((b) => b.length),
      [100, 1],
    );
  });

  it('keeps the entities in order across batches', () => {
    assert.deepEqual(split(numbers(5), { maxCount: 2, ...noBytesCap }), [[0, 1], [2, 3], [4]]);
  });

  it('closes a batch when the summed weight would pass maxWeight', () => {
    const batches = split([400, 400, 200, 1], { maxCount: 100, maxWeight: 1000, weightOf: (w) => w, ...noBytesCap });
    assert.deepEqual(batches, [[400, 400, 200], [1]]);
  });

  it('sends an entity heavier than maxWeight alone rather than dropping it', () => {
    const batches = split([10, 1200, 10], { maxCount: 100, maxWeight: 1000, weightOf: (w) => w, ...noBytesCap });
    assert.deepEqual(batches, [[10], [1200], [10]]);
  });

  it('fills a batch up to exactly maxBytes of serialized body', () => {
    const entities = ['aaaa', 'bbbb', 'cccc'];
    const exact = Buffer.byteLength(JSON.stringify({ flags: entities.slice(0, 2) }));
    assert.deepEqual(split(entities, { maxCount: 100, maxBytes: exact }), [['aaaa', 'bbbb'], ['cccc']]);
    assert.deepEqual(split(entities, { maxCount: 100, maxBytes: exact - 1 }), [['aaaa'], ['bbbb'], ['cccc']]);
  });

  it('counts multi-byte characters as UTF-8 bytes', () => {
    const entities = ['é', 'é'];
    const exact = Buffer.byteLength(JSON.stringify({ flags: entities }));
    assert.equal(exact, 21);
    assert.deepEqual(split(entities, { maxCount: 100, maxBytes: exact }), [['é', 'é']]);
    assert.deepEqual(split(entities, { maxCount: 100, maxBytes: exact - 1 }), [['é'], ['é']]);
  });

  it('makes each body byte for byte the JSON of the whole request, keys in their order', () => {
    const body = (flags: unknown[]) => ({
      providerMetadata: { product: 'flagd' },
      batch: 'é ✓',
      skipped: undefined,
      flags,
      properties: { flagsyncProvider: 'p"1' },
    });
    const envelope = envelopeOf(body([]), 'flags');
    const entities = [{ id: 'a', name: 'ü' }, { id: 'b' }, { id: 'c', n: [1, 2] }];
    const batches = allBatches(entities, { maxCount: 2, ...noBytesCap }, envelope);
    assert.deepEqual(
      batches.map((b) => bodyOf(envelope, b).toString('utf8')),
      [JSON.stringify(body(entities.slice(0, 2))), JSON.stringify(body(entities.slice(2)))],
    );
  });

  it('puts a body together when the entities array is first, last or alone', () => {
    for (const body of [{ flags: [] }, { flags: [], p: 1 }, { p: 1, flags: [] }, { u: undefined, flags: [], v: undefined }]) {
      const entities = [{ id: 'a' }, { id: 'b' }];
      const envelope = envelopeOf(body, 'flags');
      const [batch] = allBatches(entities, { maxCount: 100, ...noBytesCap }, envelope);
      assert.equal(bodyOf(envelope, batch!).toString('utf8'), JSON.stringify({ ...body, flags: entities }));
    }
  });

  it('gives back the entities never taken, and nothing after them', () => {
    const cursor = new BatchCursor(numbers(5), { maxCount: 2, ...noBytesCap }, flagsEnvelope);
    assert.deepEqual(cursor.take()?.entities, [0, 1]);
    assert.deepEqual(cursor.rest(), [2, 3, 4]);
    assert.equal(cursor.take(), undefined);
  });

  it('halves a batch for a 413, the first half taking the odd entity, each half sized and carried as a body', () => {
    const envelope = envelopeOf({ flags: [], p: 'é' }, 'flags');
    const [batch] = allBatches(['a', 'bé', 'c'], { maxCount: 100, ...noBytesCap }, envelope);
    const [first, second] = halveBatch(batch!, envelope);
    assert.deepEqual([first.entities, second.entities], [['a', 'bé'], ['c']]);
    for (const half of [first, second]) {
      const json = JSON.stringify({ flags: half.entities, p: 'é' });
      assert.equal(bodyOf(envelope, half).toString('utf8'), json);
      assert.equal(half.bytes, Buffer.byteLength(json));
    }
  });
});
