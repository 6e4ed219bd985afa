import { strict as assert } from 'node:assert';
import type { LDFeatureStoreItem, LDFeatureStoreKindData } from '@launchdarkly/node-server-sdk';
import { CapturingFeatureStore, type KeptFromDataSet } from '../store';

const features = { namespace: 'features' };

function all(store: CapturingFeatureStore): LDFeatureStoreKindData {
  let result: LDFeatureStoreKindData = {};
  store.all(features, (items) => (result = items));
  return result;
}

function get(store: CapturingFeatureStore, key: string): LDFeatureStoreItem | null {
  let result: LDFeatureStoreItem | null = null;
  store.get(features, key, (item) => (result = item));
  return result;
}

describe('CapturingFeatureStore (the LDFeatureStore handed to the SDK)', () => {
  it('reports initialized only after init', () => {
    const store = new CapturingFeatureStore();
    const states: boolean[] = [];
    store.initialized((s) => states.push(s));
    store.init({ features: {} }, () => {});
    store.initialized((s) => states.push(s));
    assert.deepEqual(states, [false, true]);
  });

  it('leaves deleted items out of all() and get()', () => {
    const store = new CapturingFeatureStore();
    store.init({ features: { a: { key: 'a', version: 1 }, b: { key: 'b', version: 2, deleted: true } } }, () => {});
    assert.deepEqual([Object.keys(all(store)), get(store, 'b')], [['a'], null]);
  });

  it('ignores an upsert that is not newer', () => {
    const store = new CapturingFeatureStore();
    store.init({ features: { a: { key: 'a', version: 5, on: true } } }, () => {});
    store.upsert(features, { key: 'a', version: 5, on: false }, () => {});
    assert.equal(get(store, 'a')?.on, true);
  });

  it('applies a newer upsert', () => {
    const store = new CapturingFeatureStore();
    store.init({ features: { a: { key: 'a', version: 5, on: true } } }, () => {});
    store.upsert(features, { key: 'a', version: 6, on: false }, () => {});
    assert.equal(get(store, 'a')?.on, false);
  });

  it('deletes with a tombstone that an older upsert cannot undo', () => {
    const store = new CapturingFeatureStore();
    store.init({ features: { a: { key: 'a', version: 5 } } }, () => {});
    store.delete(features, 'a', 6, () => {});
    store.upsert(features, { key: 'a', version: 6 }, () => {});
    assert.equal(get(store, 'a'), null);
  });

  it('changes the data it was initialized from in no upsert or delete (the SDK still reads it)', () => {
    const data = { features: { a: { key: 'a', version: 1 } } as LDFeatureStoreKindData };
    const store = new CapturingFeatureStore();
    store.init(data, () => {});
    store.upsert(features, { key: 'b', version: 1 }, () => {});
    store.delete(features, 'a', 2, () => {});
    assert.deepEqual([data.features, Object.keys(all(store))], [{ a: { key: 'a', version: 1 } }, ['b']]);
  });

  it('hands its items over once and keeps none', () => {
    const store = new CapturingFeatureStore();
    store.init({ features: { a: { key: 'a', version: 1 } } }, () => {});
    assert.deepEqual([Object.keys(store.take('features') ?? {}), store.take('features'), get(store, 'a')], [['a'], undefined, null]);
  });

  it('hands over nothing for a namespace the data set did not carry as a map', () => {
    const store = new CapturingFeatureStore();
    store.init({ features: [] as unknown as LDFeatureStoreKindData }, () => {});
    assert.equal(store.take('features'), undefined);
  });

  it('hands the SDK an empty map for a namespace that is not a key → item map (it walks whatever it gets), and nothing over', () => {
    const allData = {
      features: [{ prerequisites: [null] }] as unknown as LDFeatureStoreKindData,
      segments: [{ rules: [{ clauses: [null] }] }] as unknown as LDFeatureStoreKindData,
    };
    const reports: KeptFromDataSet[] = [];
    const store = new CapturingFeatureStore((kept) => reports.push(kept));
    store.init(allData, () => {});
    assert.deepEqual(
      [allData, reports, store.take('features')],
      [{ features: {}, segments: {} }, [{ items: [], malformed: ['features', 'segments'] }], undefined],
    );
  });

  it('keeps items keyed like Object.prototype properties (or depending on such a key) from the SDK, reports them once, and hands them over', () => {
    const items = JSON.parse(
      '{"__proto__": {"key": "__proto__", "version": 1}, "constructor": {"key": "constructor", "version": 1},' +
        ' "a": {"key": "a", "version": 1, "prerequisites": [{"key": "toString", "variation": 0}]}, "b": {"key": "b", "version": 1}}',
    ) as LDFeatureStoreKindData;
    const allData = { features: items };
    const reports: KeptFromDataSet[] = [];
    const store = new CapturingFeatureStore((kept) => reports.push(kept));
    store.init(allData, () => {});
    assert.deepEqual(
      [Object.keys(allData.features), Object.keys(all(store)), get(store, 'constructor'), get(store, 'toString'), get(store, 'a')],
      [['b'], ['b'], null, null, null],
    );
    assert.deepEqual(
      reports.map((r) => r.items.map((i) => i.key)),
      [['__proto__', 'a', 'constructor']],
    );
    assert.deepEqual([...store.kept('features').keys()], ['__proto__', 'a', 'constructor']);
    assert.deepEqual(Object.keys(store.take('features') ?? {}).sort(), ['__proto__', 'a', 'b', 'constructor']);
  });

  it('stores an upsert keyed "__proto__" or "constructor" as an item, not as the prototype nor under an inherited function', () => {
    const store = new CapturingFeatureStore();
    store.init({ features: {} }, () => {});
    store.upsert(features, { key: '__proto__', version: 1 }, () => {});
    store.upsert(features, { key: 'constructor', version: 1 }, () => {});
    assert.deepEqual(
      [Object.keys(all(store)).sort(), get(store, '__proto__')?.version, get(store, 'constructor')?.version, get(store, 'toString')],
      [['__proto__', 'constructor'], 1, 1, null],
    );
  });

  it('hands a kept item back to the SDK once a newer, readable one replaces it', () => {
    const store = new CapturingFeatureStore();
    store.init({ features: { a: { key: 'a', version: 1, prerequisites: [null] } } }, () => {});
    store.upsert(features, { key: 'a', version: 2, prerequisites: [] }, () => {});
    assert.deepEqual([Object.keys(all(store)), get(store, 'a')?.version, store.kept('features').size], [['a'], 2, 0]);
  });
});
