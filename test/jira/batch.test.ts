import assert from 'node:assert/strict';
import { halve, jsonBytes, splitIntoBatches } from '../../src/jira/batch';

const numbers = (n: number) => Array.from({ length: n }, (_, i) => i);
const noBytesCap = { maxBytes: Number.MAX_SAFE_INTEGER, envelopeBytes: 0 };

describe('jira batching (pure)', () => {
  it('keeps exactly maxCount entities in one batch', () => {
    assert.deepEqual(
      splitIntoBatches(numbers(100), { maxCount: 100, ...noBytesCap }).map((b) => b.length),
      [100],
    );
  });

  it('starts a second batch at maxCount + 1', () => {
    assert.deepEqual(
      splitIntoBatches(numbers(101), { maxCount: 100, ...noBytesCap }).map((b) => b.length),
      [100, 1],
    );
  });

  it('keeps the entities in order across batches', () => {
    assert.deepEqual(splitIntoBatches(numbers(5), { maxCount: 2, ...noBytesCap }), [[0, 1], [2, 3], [4]]);
  });

  it('closes a batch when the summed weight would pass maxWeight', () => {
    const batches = splitIntoBatches([400, 400, 200, 1], { maxCount: 100, maxWeight: 1000, weightOf: (w) => w, ...noBytesCap });
    assert.deepEqual(batches, [[400, 400, 200], [1]]);
  });

  it('sends an entity heavier than maxWeight alone rather than dropping it', () => {
    const batches = splitIntoBatches([10, 1200, 10], { maxCount: 100, maxWeight: 1000, weightOf: (w) => w, ...noBytesCap });
    assert.deepEqual(batches, [[10], [1200], [10]]);
  });

  it('fills a batch up to exactly maxBytes of serialized body', () => {
    const entities = ['aaaa', 'bbbb', 'cccc'];
    const envelope = { flags: [] as string[] };
    const exact = jsonBytes({ flags: entities.slice(0, 2) });
    const batches = splitIntoBatches(entities, { maxCount: 100, maxBytes: exact, envelopeBytes: jsonBytes(envelope) });
    assert.deepEqual(batches, [['aaaa', 'bbbb'], ['cccc']]);
  });

  it('counts multi-byte characters as UTF-8 bytes', () => {
    assert.equal(jsonBytes('é'), 4);
  });

  it('halves a batch, the first half taking the odd entity', () => {
    assert.deepEqual(halve([1, 2, 3]), [[1, 2], [3]]);
  });
});
