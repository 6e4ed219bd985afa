import { FileStateStore } from '../../src/store/file/file-state-store';

/**
 * The file store at `file`, calling `onLoad` just before each load of the state records: a test notes there what
 * the run had asked of its sources by then (a source that says cheaply it changed: the check, then state, then the
 * read).
 */
export function fileStoreObservingLoad(file: string, onLoad: () => void): FileStateStore {
  const store = new FileStateStore(file);
  const { load } = store;
  return Object.assign(Object.create(store) as FileStateStore, {
    load: () => {
      onLoad();
      return load();
    },
  });
}
