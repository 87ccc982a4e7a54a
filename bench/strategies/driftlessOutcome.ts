import type { ProjectionStore } from '../../src/projections/projectionStore';
import type { JsonObject } from '../../src/reconcilers/json';
import type { Outcome } from './runtime';
import type { Workload } from './workload';

/**
 * Driftless's outcome from its projections: each invoice's head document, the branches the
 * promoter quarantined (or abandoned) with their violation codes. A branch still waiting for
 * the promoter at this point is a bug in the benchmark or the product, never a result.
 */
export const driftlessOutcome = (
  store: ProjectionStore,
  workload: Workload,
  branches: ReadonlyMap<string, { entity: string; index: number }>,
): Outcome => {
  const waiting = store.committedBranches();
  if (waiting.length > 0)
    throw new Error(`bench: ${waiting.length} committed branches never settled`);
  const finals = new Map<string, JsonObject>();
  for (const e of workload.entities) {
    const head = store.head({ type: 'invoice', id: e.id });
    if (head === undefined) throw new Error(`bench: invoice ${e.id} has no head`);
    finals.set(e.id, store.version(head.versionId)!.doc);
  }
  const surfaced = new Map<string, Set<number>>();
  const reasons: Record<string, number> = {};
  const refused = store
    .statement("SELECT branch_id FROM branches WHERE status IN ('quarantined', 'abandoned')")
    .all() as { branch_id: string }[];
  const violations = store.statement('SELECT violations FROM quarantine WHERE branch_id = ?');
  for (const { branch_id } of refused) {
    const at = branches.get(branch_id);
    if (at === undefined) continue;
    const set = surfaced.get(at.entity) ?? new Set<number>();
    set.add(at.index);
    surfaced.set(at.entity, set);
    const row = violations.get(branch_id) as { violations: string } | undefined;
    const codes = new Set(
      (JSON.parse(row?.violations ?? '[]') as { code: string }[]).map((v) => v.code),
    );
    for (const code of codes) reasons[code] = (reasons[code] ?? 0) + 1;
  }
  return { finals, surfaced, reasons };
};
