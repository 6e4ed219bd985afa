import type {
  DataKind,
  LDFeatureStore,
  LDFeatureStoreDataStorage,
  LDFeatureStoreItem,
  LDFeatureStoreKindData,
  LDKeyedFeatureStoreItem,
} from '@launchdarkly/node-server-sdk';
import { decodeItem } from '../../src/kit';
import { isObjectPrototypeName, PROTOTYPE_KEY_REASON, SdkTrackedItemCodec } from './codecs';

/** An item of a full data set kept from the SDK (see CapturingFeatureStore.init); the reason names fields only. */
export interface KeptItem {
  readonly namespace: string;
  readonly key: string;
  readonly reason: string;
}

/**
 * What the store kept from the SDK of one full data set, reported once per data set (never once per item: thousands
 * of malformed items would flood a log on every reconnect): the items it could not walk, in key order, and the
 * namespaces that were not a key → item map at all (the SDK saw them empty).
 */
export interface KeptFromDataSet {
  readonly items: readonly KeptItem[];
  readonly malformed: readonly string[];
}

export type OnKept = (kept: KeptFromDataSet) => void;

/**
 * An in-memory feature store handed to the SDK so we can read the full flag configurations it receives (the SDK's
 * own in-memory store is not exported). Semantics follow the LDFeatureStore contract: versioned upserts, deletes as
 * tombstones, `all()` without deleted items. Callbacks run synchronously, as the contract recommends. Item maps are
 * read by own property only and written with defineProperty, so a key such as `constructor` or `__proto__` is an item
 * like any other here.
 *
 * It also keeps the SDK alive through a malformed full data set: see `init`. (A single item, from a stream's patch,
 * is the data source's to check: the SDK walks the object it upserted, which no store can hide.)
 */
export class CapturingFeatureStore implements LDFeatureStore {
  private data: LDFeatureStoreDataStorage = {};
  private initCalled = false;
  /** Namespaces the last full data set carried as something other than a key → item map. */
  private malformed = new Set<string>();
  /** Per namespace, the items of the last full data set kept from the SDK (key → reason), until an upsert replaces one. */
  private hidden = new Map<string, Map<string, string>>();
  /**
   * Namespaces whose item map is our own copy. A full data set's maps are kept as the SDK parsed them (copying a
   * map of 100k flags costs ~75 ms) and copied only before the first upsert changes one: the SDK still reads them.
   */
  private owned = new Set<string>();

  constructor(private readonly onKept: OnKept = () => {}) {}

  get(kind: DataKind, key: string, callback: (res: LDFeatureStoreItem | null) => void): void {
    const item = this.hidden.get(kind.namespace)?.has(key) ? undefined : ownItem(this.data[kind.namespace], key);
    callback(item && !item.deleted ? item : null);
  }

  all(kind: DataKind, callback: (res: LDFeatureStoreKindData) => void): void {
    callback(this.live(kind.namespace));
  }

  /**
   * Takes a full data set. Once this returns, the SDK walks `allData` (the very object it passed here) in a promise
   * nobody awaits, and its change tracking throws there on an item it cannot walk: a `null` prerequisite or clause,
   * or a key (the item's own, a prerequisite's, a segment a clause matches) named like a property every object has.
   * An unhandled rejection ends the process. So the SDK walks copies without those items (and an empty map for a
   * namespace that is not a map); this store keeps them, reports them (`onKept`), and a snapshot skips such a flag by
   * key. `all()` and `get()` leave them out too: the SDK walks what `all()` gives it as the data it replaces.
   */
  init(allData: LDFeatureStoreDataStorage, callback: (err?: Error) => void): void {
    const data: LDFeatureStoreDataStorage = {};
    this.malformed = new Set();
    this.hidden = new Map();
    this.owned = new Set();
    const kept: KeptItem[] = [];
    // The SDK passes a payload's namespaces on unchecked: a missing or non-map `flags` must not read as "no flags".
    for (const [namespace, items] of Object.entries(allData)) {
      if (!isItemMap(items)) {
        this.malformed.add(namespace);
        // The SDK walks whatever it is with Object.keys (a list's items too): it gets nothing to walk.
        allData[namespace] = {};
        continue;
      }
      data[namespace] = items;
      const untrackable = untrackableKeys(items);
      if (untrackable.size > 0) {
        allData[namespace] = Object.fromEntries(Object.entries(items).filter(([key]) => !untrackable.has(key)));
        this.hidden.set(namespace, untrackable);
        for (const [key, reason] of [...untrackable].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
          kept.push({ namespace, key, reason });
      }
    }
    this.data = data;
    this.initCalled = true;
    if (kept.length > 0 || this.malformed.size > 0) this.onKept({ items: kept, malformed: [...this.malformed] });
    callback();
  }

  delete(kind: DataKind, key: string, version: number, callback: () => void): void {
    this.upsert(kind, { key, version, deleted: true }, () => callback());
  }

  upsert(kind: DataKind, data: LDKeyedFeatureStoreItem, callback: (err?: Error) => void): void {
    const existing = ownItem(this.data[kind.namespace], data.key);
    if (!existing || existing.version < data.version) {
      setOwn(this.writable(kind.namespace), data.key, data);
      // The SDK walked this one (the data source checked it first): it is no longer kept from the SDK.
      this.hidden.get(kind.namespace)?.delete(data.key);
    }
    callback();
  }

  initialized(callback: (isInitialized: boolean) => void): void {
    callback(this.initCalled);
  }

  close(): void {}

  getDescription(): string {
    return 'flagsync-capture';
  }

  /** The items of a namespace the last full data set had that are kept from the SDK (key → reason), in key order. */
  kept(namespace: string): ReadonlyMap<string, string> {
    return new Map([...(this.hidden.get(namespace) ?? [])].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
  }

  /**
   * Every item of a namespace as received, tombstones and items kept from the SDK included, unchecked (the SDK stores
   * whatever JSON it got), or undefined when the full data set did not carry the namespace as a key → item map. The
   * store holds no data afterwards: the SDK client keeps its store until the client is collected, and the items should
   * go as soon as their reader is done with them.
   */
  take(namespace: string): Readonly<Record<string, unknown>> | undefined {
    const usable = this.initCalled && !this.malformed.has(namespace);
    const items = usable ? this.data[namespace] : undefined;
    this.data = {};
    this.hidden = new Map();
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

  /** Items of a namespace ("features", "segments") that are not deleted nor kept from the SDK, keyed by item key. */
  private live(namespace: string): LDFeatureStoreKindData {
    const hidden = this.hidden.get(namespace);
    const result: LDFeatureStoreKindData = {};
    for (const [key, item] of Object.entries(this.data[namespace] ?? {}))
      if (!item?.deleted && hidden?.has(key) !== true) setOwn(result, key, item);
    return result;
  }
}

/**
 * Key → reason (field paths, never values) of the items the SDK's change tracking cannot walk: see init. Checked with
 * `is` and decoded only to name the problem; `for…in` allocates no list of entries (100k flags: ~0.1 s on a 2-core
 * machine).
 */
function untrackableKeys(items: LDFeatureStoreKindData): Map<string, string> {
  const found = new Map<string, string>();
  for (const key in items) {
    const item: unknown = items[key];
    if (isObjectPrototypeName(key)) {
      found.set(key, PROTOTYPE_KEY_REASON);
      continue;
    }
    if (SdkTrackedItemCodec.is(item)) continue;
    const decoded = decodeItem(SdkTrackedItemCodec, item);
    found.set(key, decoded.ok ? 'unreadable' : decoded.reason);
  }
  return found;
}

function isItemMap(value: unknown): value is LDFeatureStoreKindData {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The item under `key` itself, never a property every object inherits (`constructor`, `toString`…). */
function ownItem(items: LDFeatureStoreKindData | undefined, key: string): LDFeatureStoreItem | undefined {
  return items !== undefined && Object.prototype.hasOwnProperty.call(items, key) ? items[key] : undefined;
}

/** `items[key] = item`, except that `__proto__` becomes an item too rather than the object's prototype. */
function setOwn(items: LDFeatureStoreKindData, key: string, item: LDFeatureStoreItem): void {
  Object.defineProperty(items, key, { value: item, writable: true, enumerable: true, configurable: true });
}
