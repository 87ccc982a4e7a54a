import type { EventLog } from '../events/eventLog';
import type { EntityRef } from '../events/schemas/common';
import type { ProjectionStore } from '../projections/projectionStore';

/** A branch with no outcome yet: still being written, or committed and waiting to be settled. */
export interface UnsettledBranch {
  branchId: string;
  entity: EntityRef;
  status: 'open' | 'committed';
  phase: string;
  actor: string;
  baseVersionId: string | null;
  deadline: string | null;
  mutations: number;
  /** When its BranchOpened was recorded, and where in the log. */
  openedAt: string;
  openedPosition: number;
}

type Row = {
  branch_id: string;
  entity_type: string;
  entity_id: string;
  status: 'open' | 'committed';
  phase: string;
  actor: string;
  base_version_id: string | null;
  deadline: string | null;
  mutation_count: number;
  opened_position: number;
  /** Null in projection files from before the column. */
  opened_at: string | null;
};

/** When a branch was opened, from its BranchOpened in the log (rows from before `opened_at`). */
const openedAt = async (log: EventLog, position: number) =>
  (await log.readAll({ fromPosition: position, limit: 1 }))[0]?.metadata.recordedAt ?? '';

/**
 * Branches with no outcome yet, oldest first: open ones (a writer that crashed without a
 * deadline leaves one open for good) and committed ones (waiting for the promoter: many, or
 * old, mean no promoter is running). From the projections alone; a branch projected before
 * they kept the time each was opened reads it from the log. Ended branches stay in the table,
 * so this scans it: an operator's question, not the promoter's.
 */
export const unsettledBranches = async (options: {
  log: EventLog;
  store: ProjectionStore;
  status?: 'open' | 'committed';
}): Promise<UnsettledBranch[]> => {
  const { log, store, status } = options;
  const rows = store
    .statement(
      `SELECT * FROM branches WHERE status IN ('open', 'committed') AND (? IS NULL OR status = ?)
       ORDER BY opened_position`,
    )
    .all(status ?? null, status ?? null) as Row[];
  const branches: UnsettledBranch[] = [];
  for (const r of rows) {
    branches.push({
      branchId: r.branch_id,
      entity: { type: r.entity_type, id: r.entity_id },
      status: r.status,
      phase: r.phase,
      actor: r.actor,
      baseVersionId: r.base_version_id,
      deadline: r.deadline,
      mutations: r.mutation_count,
      openedAt: r.opened_at ?? (await openedAt(log, r.opened_position)),
      openedPosition: r.opened_position,
    });
  }
  return branches;
};
