import { strict as assert } from 'node:assert';
import type { LDFeatureStoreItem, LDFeatureStoreKindData } from '@launchdarkly/node-server-sdk';
import { CapturingFeatureStore } from '../store';

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
});
