import type { RecordedEvent } from '../events/eventLog';
import type { Take } from '../events/schemas/entityEvents';
import type { Projection } from './projection';
import { EventRejected } from './projection';
import type { ProjectionStore } from './projectionStore';

const flaw = (store: ProjectionStore, branchId: string, text: string) =>
  store
    .statement('UPDATE branches SET flaw = COALESCE(flaw, ?) WHERE branch_id = ?')
    .run(text, branchId);

/** The status and last sequence number of a branch the event names; it must exist. */
const existing = (store: ProjectionStore, branchId: string, type: string) => {
  const branch = store
    .statement('SELECT status, last_seq AS lastSeq FROM branches WHERE branch_id = ?')
    .get(branchId) as { status: string; lastSeq: number } | undefined;
  if (branch === undefined) throw new EventRejected(`${type} for unknown branch ${branchId}`);
  return branch;
};

const end = (store: ProjectionStore, branchId: string, status: string, reason: string | null) => {
  const ended = store
    .statement('UPDATE branches SET status = ?, end_reason = ? WHERE branch_id = ?')
    .run(status, reason, branchId);
  if (ended.changes === 0) return;
  // A finished branch's ops are no longer needed: the log keeps them for audits.
  store.statement('DELETE FROM branch_ops WHERE branch_id = ?').run(branchId);
  store.statement('DELETE FROM quarantine WHERE branch_id = ?').run(branchId);
};

/**
 * The conflicts settled over all of a branch's releases: an operator who settles one path,
 * then another after the next quarantine, has settled both (the later choice at a path wins).
 */
export const addTakes = (before: readonly Take[], added: readonly Take[]): Take[] => [
  ...before.filter((b) => !added.some((a) => a.path === b.path)),
  ...added,
];

/**
 * Branch state: base version, ops so far and status of every branch. Recording problems (a
 * sequence gap, a write after the commit) are kept as the branch's `flaw` for the gate.
 */
export const branchState: Projection = {
  name: 'branchState',
  apply: (event: RecordedEvent, store) => {
    switch (event.type) {
      case 'BranchOpened': {
        const d = event.data;
        const opened = store
          .statement(
            `INSERT INTO branches (branch_id, entity_type, entity_id, base_version_id, phase, actor, deadline, status, opened_position, opened_at)
             VALUES (?, ?, ?, ?, ?, ?, ?, 'open', ?, ?) ON CONFLICT (branch_id) DO NOTHING`,
          )
          .run(
            d.branchId,
            d.entity.type,
            d.entity.id,
            d.baseVersionId,
            d.phase,
            d.actor,
            d.deadline ?? null,
            event.position,
            event.metadata.recordedAt,
          );
        if (opened.changes === 0) flaw(store, d.branchId, 'opened twice');
        return;
      }
      case 'MutationRecorded': {
        const { branchId, seq, ops } = event.data;
        const branch = existing(store, branchId, event.type);
        if (branch.status !== 'open')
          return void flaw(
            store,
            branchId,
            `mutation ${seq} after the branch was ${branch.status}`,
          );
        if (seq !== branch.lastSeq + 1)
          flaw(
            store,
            branchId,
            `sequence gap: expected mutation ${branch.lastSeq + 1}, got ${seq}`,
          );
        const inserted = store
          .statement('INSERT OR IGNORE INTO branch_ops (branch_id, seq, ops) VALUES (?, ?, ?)')
          .run(branchId, seq, JSON.stringify(ops));
        if (inserted.changes === 0)
          return void flaw(store, branchId, `mutation ${seq} recorded twice`);
        store
          .statement(
            'UPDATE branches SET mutation_count = mutation_count + 1, last_seq = MAX(last_seq, ?) WHERE branch_id = ?',
          )
          .run(seq, branchId);
        return;
      }
      case 'BranchCommitted': {
        const { branchId, mutationCount, digest } = event.data;
        const committed = store
          .statement(
            `UPDATE branches SET status = 'committed', commit_count = ?, commit_digest = ?,
             commit_event_id = ?, correlation_id = ? WHERE branch_id = ? AND status = 'open'`,
          )
          .run(
            mutationCount,
            digest,
            event.metadata.eventId,
            event.metadata.correlationId,
            branchId,
          );
        if (committed.changes > 0) return;
        const { status } = existing(store, branchId, event.type);
        return void flaw(store, branchId, `commit after the branch was ${status}`);
      }
      case 'BranchAbandoned': {
        // The first ending wins: an expiry that lost the race to a commit changes nothing.
        const { status } = existing(store, event.data.branchId, event.type);
        if (status !== 'open' && status !== 'quarantined') return;
        return end(store, event.data.branchId, 'abandoned', event.data.reason);
      }
      case 'BranchQuarantined': {
        const d = event.data;
        existing(store, d.branchId, event.type);
        store
          .statement("UPDATE branches SET status = 'quarantined' WHERE branch_id = ?")
          .run(d.branchId);
        store
          .statement(
            `INSERT OR REPLACE INTO quarantine (branch_id, entity_type, entity_id, violations, candidate, decisions, position)
             VALUES (?, ?, ?, ?, ?, ?, ?)`,
          )
          .run(
            d.branchId,
            d.entity.type,
            d.entity.id,
            JSON.stringify(d.violations),
            d.candidate === undefined ? null : JSON.stringify(d.candidate),
            JSON.stringify(d.decisions ?? []),
            event.position,
          );
        return;
      }
      case 'QuarantineReleased': {
        const { branchId, take } = event.data;
        existing(store, branchId, event.type);
        const before = take === undefined ? undefined : store.branch(branchId)!.takes;
        store
          .statement(
            "UPDATE branches SET status = 'committed', takes = COALESCE(?, takes) WHERE branch_id = ? AND status = 'quarantined'",
          )
          .run(take === undefined ? null : JSON.stringify(addTakes(before!, take)), branchId);
        store.statement('DELETE FROM quarantine WHERE branch_id = ?').run(branchId);
        return;
      }
      case 'VersionPromoted':
        // An unknown branch has no row, so no ops or quarantine entry to remove either.
        for (const branchId of event.data.branchIds) end(store, branchId, 'promoted', null);
        return;
      default:
        return;
    }
  },
};
