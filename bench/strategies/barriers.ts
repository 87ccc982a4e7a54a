import { performance } from 'node:perf_hooks';
import type { Op } from '../../src/events/schemas/ops';
import type { EntityRef } from '../../src/events/schemas/common';
import type { SynchronousMode } from '../../src/events/sqlite/openDatabase';
import { initialDocuments, openDocumentStore } from './documentStore';
import { applyLocal, readLocal } from './localState';
import { storedOutcome, vendorActive } from './naive';
import type { Runtime } from './runtime';
import { BARRIER_TIMEOUT } from './workload';

const key = (e: EntityRef) => `${e.type}/${e.id}`;

/** A per-entity mutex: each holder runs after the previous one released. */
const createLocks = () => {
  const tails = new Map<string, Promise<void>>();
  return async <T>(entity: EntityRef, work: () => T): Promise<T> => {
    const k = key(entity);
    const previous = tails.get(k) ?? Promise.resolve();
    let release!: () => void;
    const mine = new Promise<void>((r) => (release = r));
    tails.set(k, mine);
    await previous;
    try {
      return work();
    } finally {
      release();
      if (tails.get(k) === mine) tails.delete(k);
    }
  };
};

/**
 * Synchronization barriers: every write takes the entity's lock, re-reads the latest document
 * and applies only the branch's own changes (no lost updates), and compression starts only
 * once every enrichment branch finished or the barrier timed out. The values a branch writes
 * are still computed from what it read when it started.
 */
export const createBarrierRuntime = (options: {
  path: string;
  synchronous: SynchronousMode;
}): Runtime => {
  const store = openDocumentStore(options.path, options.synchronous);
  const locked = createLocks();
  const barriers = new Map<string, { arrive: () => void; open: Promise<number> }>();
  return {
    setup: async (workload) => store.putAll(initialDocuments(workload)),
    begin: (entity, clock) => {
      const expected = entity.branches.filter((b) => b.phase === 'enrichment').length;
      let arrived = 0;
      let resolve!: (at: number) => void;
      const opened = new Promise<number>((r) => (resolve = r));
      const open = () => resolve(performance.now());
      void clock.at(clock.now() + BARRIER_TIMEOUT).then(open);
      if (expected === 0) open();
      barriers.set(entity.id, { arrive: () => ++arrived >= expected && open(), open: opened });
    },
    enter: async (entity, branch) =>
      branch.phase === 'compression' ? barriers.get(entity.id)!.open : performance.now(),
    closeEnrichment: async () => performance.now(),
    open: async (entity, branch) => {
      const read = readLocal(store.get(branch.target), vendorActive(store));
      let settledAt = 0;
      const write = (ops: Op[]) =>
        locked(branch.target, () => {
          store.put(branch.target, applyLocal(store.get(branch.target), ops));
          settledAt = performance.now();
        });
      return {
        read,
        write,
        finish: async (ops) => {
          await write(ops);
          if (branch.phase === 'enrichment') barriers.get(entity.id)!.arrive();
        },
        settledAt: async () => settledAt,
      };
    },
    collect: async () => storedOutcome(store),
    close: async () => store.close(),
  };
};
