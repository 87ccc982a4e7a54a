import { performance } from 'node:perf_hooks';
import type { SynchronousMode } from '../../src/events/sqlite/openDatabase';
import { initialDocuments, openDocumentStore, type DocumentStore } from './documentStore';
import { applyLocal, readLocal } from './localState';
import type { Outcome, Runtime } from './runtime';

/** What naive and barriers end with: the invoices as stored, nothing refused. */
export const storedOutcome = (store: DocumentStore): Outcome => ({
  finals: store.all('invoice'),
  surfaced: new Map(),
  reasons: {},
});

/** Whether a vendor is active in the store now. */
export const vendorActive = (store: DocumentStore) => (id: string) =>
  store.get({ type: 'vendor', id }).doc.status === 'active';

/**
 * Naive shared mutable state: a branch reads the latest document when it starts, works on its
 * copy, and writes the whole document back at each write (last write wins). No locks, no
 * phases, no checks.
 */
export const createNaiveRuntime = (options: {
  path: string;
  synchronous: SynchronousMode;
}): Runtime => {
  const store = openDocumentStore(options.path, options.synchronous);
  return {
    setup: async (workload) => store.putAll(initialDocuments(workload)),
    begin: () => undefined,
    enter: async () => performance.now(),
    closeEnrichment: async () => performance.now(),
    open: async (_entity, branch) => {
      let copy = store.get(branch.target);
      let settledAt = 0;
      const write = async (ops: Parameters<typeof applyLocal>[1]) => {
        copy = applyLocal(copy, ops);
        store.put(branch.target, copy);
        settledAt = performance.now();
      };
      return {
        read: readLocal(copy, vendorActive(store)),
        write,
        finish: write,
        settledAt: async () => settledAt,
      };
    },
    collect: async () => storedOutcome(store),
    close: async () => store.close(),
  };
};
