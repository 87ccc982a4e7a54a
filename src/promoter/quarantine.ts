import { ValidationError } from '../events/errors';
import type { EventLog } from '../events/eventLog';
import { newEvent } from '../events/newEvent';
import type { EntityRef } from '../events/schemas/common';
import type { Decision, Take } from '../events/schemas/entityEvents';
import { streamNames, type StreamNames } from '../events/streams';
import type { Rejection } from '../projections/processor';
import type { BranchStatus, ProjectionStore } from '../projections/projectionStore';
import type { JsonObject } from '../reconcilers/json';
import type { Violation } from '../validators/violation';

/** A quarantined branch: why, and what it would have promoted. */
export interface QuarantineEntry {
  branchId: string;
  entity: EntityRef;
  violations: Violation[];
  candidate: JsonObject | null;
  decisions: Decision[];
  /** Log position of its BranchQuarantined event. */
  position: number;
}

type Row = Record<string, unknown>;
const toEntry = (r: Row): QuarantineEntry => ({
  branchId: r.branch_id as string,
  entity: { type: r.entity_type as string, id: r.entity_id as string },
  violations: JSON.parse(r.violations as string) as Violation[],
  candidate: r.candidate === null ? null : (JSON.parse(r.candidate as string) as JsonObject),
  decisions: JSON.parse(r.decisions as string) as Decision[],
  position: r.position as number,
});

export const listQuarantine = (store: ProjectionStore): QuarantineEntry[] =>
  (store.statement('SELECT * FROM quarantine ORDER BY position').all() as Row[]).map(toEntry);

export const showQuarantine = (
  store: ProjectionStore,
  branchId: string,
): QuarantineEntry | undefined => {
  const row = store.statement('SELECT * FROM quarantine WHERE branch_id = ?').get(branchId) as
    Row | undefined;
  return row && toEntry(row);
};

/** Events of a stream the projections refused (a poison payload, say), in log order. */
export const rejectedEvents = (
  store: ProjectionStore,
  stream: string,
): Omit<Rejection, 'stream'>[] =>
  store
    .statement(
      'SELECT position, type, reason FROM rejected_events WHERE stream = ? ORDER BY position',
    )
    .all(stream) as Omit<Rejection, 'stream'>[];

/** Every event the projections refused, in log order. */
export const allRejectedEvents = (store: ProjectionStore): Rejection[] =>
  store
    .statement('SELECT position, stream, type, reason FROM rejected_events ORDER BY position')
    .all() as Rejection[];

export interface QuarantineAction {
  log: EventLog;
  store: ProjectionStore;
  branchId: string;
  by: string;
  reason: string;
  streams?: StreamNames;
}

const quarantined = (store: ProjectionStore, branchId: string): QuarantineEntry => {
  const entry = showQuarantine(store, branchId);
  if (entry !== undefined) return entry;
  const status = store.branch(branchId)?.status ?? 'unknown';
  throw new ValidationError([
    {
      path: '/branchId',
      expected: 'a quarantined branch',
      received: `${branchId} (${status})`,
      message: 'not in quarantine',
    },
  ]);
};

/**
 * The operator's choices as recorded: `'head'` or `'branch'` settles every path the branch was
 * quarantined in conflict at; a list settles those paths, each of which must be one of them.
 */
const takesFor = (entry: QuarantineEntry, take: 'head' | 'branch' | readonly Take[]): Take[] => {
  const conflicts = entry.violations
    .filter((v) => v.code === 'UNRESOLVED_CONFLICT')
    .map((v) => v.path);
  const refuse = (received: string, message: string) =>
    new ValidationError([{ path: '/take', expected: 'a path in conflict', received, message }]);
  if (conflicts.length === 0)
    throw refuse(
      JSON.stringify(take),
      `branch ${entry.branchId} was not quarantined for a conflict (${entry.violations.map((v) => v.code).join(', ')}): release it without choosing a side, or discard it`,
    );
  if (typeof take === 'string') return conflicts.map((path) => ({ path, side: take }));
  const unknown = take.find((t) => !conflicts.includes(t.path));
  if (unknown !== undefined)
    throw refuse(
      unknown.path,
      `branch ${entry.branchId} is in conflict at ${conflicts.join(', ')} only`,
    );
  return [...take];
};

/**
 * Records QuarantineReleased: the branch goes back through the gate on the promoter's next
 * round. With `take`, the operator settles its conflicts (keep the head's value or take the
 * branch's), recorded as decisions by rule `operator:head` or `operator:branch`; paths that
 * conflict afresh against a newer head are still quarantined. Resolves with the takes recorded.
 */
export const releaseQuarantine = async ({
  log,
  store,
  branchId,
  by,
  reason,
  take,
  streams = streamNames(),
}: QuarantineAction & { take?: 'head' | 'branch' | readonly Take[] }): Promise<Take[]> => {
  const entry = quarantined(store, branchId);
  const { entity } = entry;
  const takes = take === undefined ? [] : takesFor(entry, take);
  const data = { branchId, entity, by, reason, ...(takes.length > 0 ? { take: takes } : {}) };
  await log.append(streams.entity(entity), [newEvent('QuarantineReleased', data, { actor: by })], {
    expectedRevision: 'any',
  });
  return takes;
};

/** BranchAbandoned on the branch's own stream, recorded by `by` (not the branch's writer). */
const recordAbandoned = (
  log: EventLog,
  streams: StreamNames,
  branchId: string,
  by: string,
  reason: string,
) =>
  log.append(
    streams.branch(branchId),
    [newEvent('BranchAbandoned', { branchId, reason }, { actor: by })],
    { expectedRevision: 'any' },
  );

/** Records BranchAbandoned for a quarantined branch: it will never be promoted. */
export const discardQuarantine = async ({
  log,
  store,
  branchId,
  by,
  reason,
  streams = streamNames(),
}: QuarantineAction) => {
  quarantined(store, branchId);
  await recordAbandoned(
    log,
    streams,
    branchId,
    by,
    `discarded from quarantine by ${by}: ${reason}`,
  );
};

/**
 * Records BranchAbandoned for an open branch, as its writer would have: for a writer that
 * crashed without a deadline, whose branch would otherwise stay open for good. A commit that
 * reaches the log first wins (see `actionTook`); the writer, if alive, finds its
 * next write refused (the branch stream moved on).
 */
export const abandonOpenBranch = async ({
  log,
  store,
  branchId,
  by,
  reason,
  streams = streamNames(),
}: QuarantineAction) => {
  const status = store.branch(branchId)?.status;
  if (status !== 'open')
    throw new ValidationError([
      {
        path: '/branchId',
        expected: 'an open branch',
        received: `${branchId} (${status ?? 'unknown branch'})`,
        message:
          status === 'quarantined'
            ? 'it is quarantined: driftless quarantine discard ends it'
            : status === 'committed'
              ? 'it is committed: the promoter settles it next round'
              : 'not open',
      },
    ]);
  await recordAbandoned(log, streams, branchId, by, `abandoned by ${by}: ${reason}`);
};

/**
 * Whether a release, discard or abandon took effect, read once the projections applied it: two
 * parties acting on one branch at once both get their event into the log, and the first to
 * arrive decides (a discard after a release finds the branch no longer quarantined and changes
 * nothing; a release after a discard, or an abandon after the writer's commit, likewise).
 * `status` is the branch's as it stands.
 */
export const actionTook = (
  store: ProjectionStore,
  branchId: string,
  action: 'release' | 'discard' | 'abandon',
): { took: boolean; status: BranchStatus } => {
  const status = store.branch(branchId)?.status ?? 'open';
  return { took: action === 'release' ? status !== 'abandoned' : status === 'abandoned', status };
};
