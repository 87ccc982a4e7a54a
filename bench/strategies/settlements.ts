import { performance } from 'node:perf_hooks';
import type { ProjectionStore } from '../../src/projections/projectionStore';

/**
 * Watches the projections for branches the promoter settled (promoted or quarantined) and
 * tells whoever waits: per branch, when; per entity, once nothing it committed is pending.
 */
export const createSettlements = (store: ProjectionStore) => {
  // The watcher's own index, so looking for new quarantines after every round reads only them
  // (a scan of the table, candidates and all, cost Driftless 4% of its wall time here).
  store.db.exec('CREATE INDEX IF NOT EXISTS bench_quarantine_position ON quarantine (position)');
  const versions = store.db.prepare<[number], { rowid: number; branch_ids: string }>(
    'SELECT rowid, branch_ids FROM versions WHERE rowid > ? ORDER BY rowid',
  );
  const quarantines = store.db.prepare<[number], { branch_id: string; position: number }>(
    'SELECT branch_id, position FROM quarantine WHERE position > ? ORDER BY position',
  );
  let lastVersion = 0;
  let lastQuarantine = 0;
  const waiting = new Map<string, { entity: string; resolve: (at: number) => void }>();
  const pending = new Map<string, number>();
  const idle = new Map<string, (() => void)[]>();

  const settle = (branchId: string, at: number) => {
    const w = waiting.get(branchId);
    if (w === undefined) return;
    waiting.delete(branchId);
    w.resolve(at);
    const left = (pending.get(w.entity) ?? 1) - 1;
    pending.set(w.entity, left);
    if (left === 0) for (const wake of idle.get(w.entity)?.splice(0) ?? []) wake();
  };

  return {
    /** A branch of `entity` is about to commit; resolves when the promoter settled it. */
    expect: (branchId: string, entity: string): Promise<number> => {
      pending.set(entity, (pending.get(entity) ?? 0) + 1);
      return new Promise((resolve) => waiting.set(branchId, { entity, resolve }));
    },
    /** Resolves once every branch of `entity` that committed so far is settled. */
    drained: (entity: string): Promise<void> =>
      (pending.get(entity) ?? 0) === 0
        ? Promise.resolve()
        : new Promise((wake) => idle.set(entity, [...(idle.get(entity) ?? []), wake])),
    /** Looks for new outcomes; called after each promoter round. */
    poll: () => {
      const at = performance.now();
      for (const v of versions.all(lastVersion)) {
        lastVersion = v.rowid;
        for (const id of JSON.parse(v.branch_ids) as string[]) settle(id, at);
      }
      for (const q of quarantines.all(lastQuarantine)) {
        lastQuarantine = q.position;
        settle(q.branch_id, at);
      }
    },
  };
};
