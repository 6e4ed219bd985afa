import type {
  DataKind,
  LDFeatureStore,
  LDFeatureStoreDataStorage,
  LDFeatureStoreItem,
  LDFeatureStoreKindData,
  LDKeyedFeatureStoreItem,
} from '@launchdarkly/node-server-sdk';
import { decodeItem } from '../../src/kit';
import { SdkTrackedItemCodec } from './codecs';

/** An item of a full data set that the SDK's change tracking could not walk, kept here and hidden from the SDK. */
export type OnUntrackable = (namespace: string, key: string, reason: string) => void;

/**
 * An in-memory feature store handed to the SDK so we can read the full flag configurations it receives (the SDK's
 * own in-memory store is not exported). Semantics follow the LDFeatureStore contract: versioned upserts, deletes as
 * tombstones, `all()` without deleted items. Callbacks run synchronously, as the contract recommends.
 *
 * It also keeps the SDK alive through a malformed full data set: see `init`. (A single item, from a stream's patch,
 * is the data source's to check: the SDK walks the object it upserted, which no store can hide.)
 */
export class CapturingFeatureStore implements LDFeatureStore {
  private data: LDFeatureStoreDataStorage = {};
  private initCalled = false;
  /** Namespaces the last full data set carried as something other than a key → item map. */
  private malformed = new Set<string>();
  /**
   * Namespaces whose item map is our own copy. A full data set's maps are kept as the SDK parsed them (copying a
   * map of 100k flags costs ~75 ms) and copied only before the first upsert changes one: the SDK still reads them.
   */
  private owned = new Set<string>();

  constructor(private readonly onUntrackable: OnUntrackable = () => {}) {}

  get(kind: DataKind, key: string, callback: (res: LDFeatureStoreItem | null) => void): void {
    const item = this.data[kind.namespace]?.[key];
    callback(item && !item.deleted ? item : null);
  }

  all(kind: DataKind, callback: (res: LDFeatureStoreKindData) => void): void {
    callback(this.live(kind.namespace));
  }

  init(allData: LDFeatureStoreDataStorage, callback: (err?: Error) => void): void {
    const data: LDFeatureStoreDataStorage = {};
    this.malformed = new Set();
    this.owned = new Set();
    // The SDK passes a payload's namespaces on unchecked: a missing or non-map `flags` must not read as "no flags".
    for (const [namespace, items] of Object.entries(allData)) {
      if (!isItemMap(items)) {
        this.malformed.add(namespace);
        continue;
      }
      data[namespace] = items;
      // Once this returns, the SDK's change tracking walks `allData` in a promise nobody awaits, and an item it cannot
      // walk (a null prerequisite or clause) throws there: an unhandled rejection, which ends the process. So the SDK
      // walks a copy without those items; this store keeps them, and the snapshot reports them skipped by key.
      const untrackable = untrackableKeys(items);
      if (untrackable.size > 0) {
        allData[namespace] = Object.fromEntries(Object.entries(items).filter(([key]) => !untrackable.has(key)));
        for (const [key, reason] of untrackable) this.onUntrackable(namespace, key, reason);
      }
    }
    this.data = data;
    this.initCalled = true;
    callback();
  }

  delete(kind: DataKind, key: string, version: number, callback: () => void): void {
    this.upsert(kind, { key, version, deleted: true }, () => callback());
  }

  upsert(kind: DataKind, data: LDKeyedFeatureStoreItem, callback: (err?: Error) => void): void {
    const existing = this.data[kind.namespace]?.[data.key];
    if (!existing || existing.version < data.version) this.writable(kind.namespace)[data.key] = data;
    callback();
  }

  initialized(callback: (isInitialized: boolean) => void): void {
    callback(this.initCalled);
  }

  close(): void {}

  getDescription(): string {
    return 'flagsync-capture';
  }

  /**
   * Every item of a namespace as received, tombstones included and unchecked (the SDK stores whatever JSON it got),
   * or undefined when the full data set did not carry the namespace as a key → item map. The store holds no data
   * afterwards: the SDK client keeps its store until the client is collected, and the items should go as soon as
   * their reader is done with them.
   */
  take(namespace: string): Readonly<Record<string, unknown>> | undefined {
    const usable = this.initCalled && !this.malformed.has(namespace);
    const items = usable ? this.data[namespace] : undefined;
    this.data = {};
    this.owned = new Set();
    return items;
  }

  private writable(namespace: string): LDFeatureStoreKindData {
    const items = this.data[namespace];
    if (items !== undefined && this.owned.has(namespace)) return items;
    const copy: LDFeatureStoreKindData = { ...items };
    this.data[namespace] = copy;
    this.owned.add(namespace);
    return copy;
  }

  /** Items of a namespace ("features", "segments") that are not deleted, keyed by item key. */
  live(namespace: string): LDFeatureStoreKindData {
    const result: LDFeatureStoreKindData = {};
    for (const [key, item] of Object.entries(this.data[namespace] ?? {})) if (!item?.deleted) result[key] = item;
    return result;
  }
}

/**
 * Key → reason (field paths, never values) of the items the SDK's change tracking cannot walk. Checked with `is` and
 * decoded only to name the problem; `for…in` allocates no list of entries (100k flags: ~0.1 s on a 2-core machine).
 */
function untrackableKeys(items: LDFeatureStoreKindData): Map<string, string> {
  const found = new Map<string, string>();
  for (const key in items) {
    const item: unknown = items[key];
    if (SdkTrackedItemCodec.is(item)) continue;
    const decoded = decodeItem(SdkTrackedItemCodec, item);
    found.set(key, decoded.ok ? 'unreadable' : decoded.reason);
  }
  return found;
}

function isItemMap(value: unknown): value is LDFeatureStoreKindData {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
