import type {
  DataKind,
  LDFeatureStore,
  LDFeatureStoreDataStorage,
  LDFeatureStoreItem,
  LDFeatureStoreKindData,
  LDKeyedFeatureStoreItem,
} from '@launchdarkly/node-server-sdk';

/**
 * An in-memory feature store handed to the SDK so we can read the full flag configurations it receives (the SDK's
 * own in-memory store is not exported). Semantics follow the LDFeatureStore contract: versioned upserts, deletes as
 * tombstones, `all()` without deleted items. Callbacks run synchronously, as the contract recommends.
 */
export class CapturingFeatureStore implements LDFeatureStore {
  private data: LDFeatureStoreDataStorage = {};
  private initCalled = false;

  get(kind: DataKind, key: string, callback: (res: LDFeatureStoreItem | null) => void): void {
    const item = this.data[kind.namespace]?.[key];
    callback(item && !item.deleted ? item : null);
  }

  all(kind: DataKind, callback: (res: LDFeatureStoreKindData) => void): void {
    callback(this.live(kind.namespace));
  }

  init(allData: LDFeatureStoreDataStorage, callback: (err?: Error) => void): void {
    const copy: LDFeatureStoreDataStorage = {};
    for (const [namespace, items] of Object.entries(allData)) copy[namespace] = { ...items };
    this.data = copy;
    this.initCalled = true;
    callback();
  }

  delete(kind: DataKind, key: string, version: number, callback: () => void): void {
    this.upsert(kind, { key, version, deleted: true }, () => callback());
  }

  upsert(kind: DataKind, data: LDKeyedFeatureStoreItem, callback: (err?: Error) => void): void {
    const items = (this.data[kind.namespace] ??= {});
    const existing = items[data.key];
    if (!existing || existing.version < data.version) items[data.key] = data;
    callback();
  }

  initialized(callback: (isInitialized: boolean) => void): void {
    callback(this.initCalled);
  }

  close(): void {}

  getDescription(): string {
    return 'flagsync-capture';
  }

  /** Items of a namespace ("features", "segments") that are not deleted, keyed by item key. */
  live(namespace: string): LDFeatureStoreKindData {
    const result: LDFeatureStoreKindData = {};
    for (const [key, item] of Object.entries(this.data[namespace] ?? {})) if (!item.deleted) result[key] = item;
    return result;
  }
}
