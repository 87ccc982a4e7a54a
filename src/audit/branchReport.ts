import { StreamNotFoundError, ValidationError } from '../events/errors';
import type { EventLog, RecordedEvent } from '../events/eventLog';
import type { EntityRef } from '../events/schemas/common';
import { streamNames, type StreamNames } from '../events/streams';
import type { Violation } from '../validators/violation';
import { readOrNothing } from './replaySource';

export type BranchOutcome =
  | { status: 'open' }
  | { status: 'committed' }
  | { status: 'promoted'; versionId: string; ordinal: number }
  | { status: 'quarantined'; violations: Violation[] }
  | { status: 'abandoned'; reason: string };

/** One event of the branch's story, from its own stream or its entity's. */
export interface BranchStep {
  position: number;
  recordedAt: string;
  type: string;
  actor: string;
  /** What it said, in a few words: a mutation's paths, a version, violation codes, a reason. */
  summary: string;
}

/** What `driftless branch` tells an auditor about one branch. */
export interface BranchReport {
  branchId: string;
  entity: EntityRef;
  phase: string;
  actor: string;
  openedAt: string;
  /** The version the branch operated on; null for a new entity. */
  baseVersionId: string | null;
  /** Promotions between its base and the head when it was settled (0: a fast-forward). */
  staleness: number;
  /** Paths both the branch and those promotions changed. */
  overlap: string[];
  mutations: number;
  outcome: BranchOutcome;
  /** Every event about the branch in log order: opened, mutations, commit, each outcome, releases. */
  history: BranchStep[];
}

const unknownBranch = (branchId: string) =>
  new ValidationError(
    [
      {
        path: '/branchId',
        expected: 'the id of a branch in the log',
        received: branchId,
        message: 'no such branch',
      },
    ],
    'unknown branch',
  );

/**
 * The branch's own stream says what it started from and did; its entity's stream says how
 * stale it was when the promoter looked and what came of it. Read from the log alone.
 */
export const branchReport = async (options: {
  log: EventLog;
  branchId: string;
  streams?: StreamNames;
}): Promise<BranchReport> => {
  const { log, branchId, streams = streamNames() } = options;
  const own = await log.readStream(streams.branch(branchId)).catch((error: unknown) => {
    throw error instanceof StreamNotFoundError ? unknownBranch(branchId) : error;
  });
  const opened = own[0];
  if (opened?.type !== 'BranchOpened') throw unknownBranch(branchId);
  const { entity, phase, actor, baseVersionId } = opened.data;
  const entityEvents = await readOrNothing(log, streams.entity(entity));
  let ordinal = 0;
  const ordinals = new Map<string, number>();
  for (const e of entityEvents)
    if (e.type === 'VersionPromoted') ordinals.set(e.data.versionId, ++ordinal);
  // Both streams in log order: the first ending wins, as in the branch-state projection.
  const events = [...own, ...entityEvents].sort((a, b) => a.position - b.position);
  let outcome: BranchOutcome = { status: 'open' };
  let staleness = 0;
  let overlap: string[] = [];
  let mutations = 0;
  const history: BranchStep[] = [];
  for (const e of events) {
    const summary = summaryOf(e, branchId, ordinals);
    if (summary !== undefined)
      history.push({
        position: e.position,
        recordedAt: e.metadata.recordedAt,
        type: e.type,
        actor: e.metadata.actor,
        summary,
      });
    if (e.type === 'MutationRecorded') mutations += 1;
    else if (e.type === 'BranchCommitted' && outcome.status === 'open')
      outcome = { status: 'committed' };
    else if (
      e.type === 'BranchAbandoned' &&
      (outcome.status === 'open' || outcome.status === 'quarantined')
    )
      outcome = { status: 'abandoned', reason: e.data.reason };
    else if (e.type === 'DivergenceDetected' && e.data.branchId === branchId)
      ({ staleness, overlap } = e.data);
    else if (e.type === 'VersionPromoted' && e.data.branchIds.includes(branchId))
      outcome = {
        status: 'promoted',
        versionId: e.data.versionId,
        ordinal: ordinals.get(e.data.versionId)!,
      };
    else if (e.type === 'BranchQuarantined' && e.data.branchId === branchId)
      outcome = { status: 'quarantined', violations: e.data.violations };
    else if (e.type === 'QuarantineReleased' && e.data.branchId === branchId)
      outcome = { status: 'committed' };
  }
  return {
    branchId,
    entity,
    phase,
    actor,
    openedAt: opened.metadata.recordedAt,
    baseVersionId,
    staleness,
    overlap,
    mutations,
    outcome,
    history,
  };
};

/** A few words on an event if it is about the branch; undefined for other branches' events. */
const summaryOf = (
  e: RecordedEvent,
  branchId: string,
  ordinals: ReadonlyMap<string, number>,
): string | undefined => {
  switch (e.type) {
    case 'BranchOpened':
      return `from ${e.data.baseVersionId ?? 'nothing (a new entity)'}, phase ${e.data.phase}`;
    case 'MutationRecorded':
      return `mutation ${e.data.seq}: ${e.data.ops.map((o) => `${o.op} ${o.path}`).join(', ')}`;
    case 'BranchCommitted':
      return `${e.data.mutationCount} mutation(s)`;
    case 'BranchAbandoned':
      return e.data.reason;
    case 'DivergenceDetected':
      return e.data.branchId === branchId
        ? `${e.data.staleness} promotion(s) behind the head ${e.data.headVersionId}`
        : undefined;
    case 'VersionPromoted':
      return e.data.branchIds.includes(branchId)
        ? `as v${ordinals.get(e.data.versionId)} ${e.data.versionId}`
        : undefined;
    case 'BranchQuarantined':
      return e.data.branchId === branchId
        ? [...new Set(e.data.violations.map((v) => v.code))].join(', ')
        : undefined;
    case 'QuarantineReleased':
      if (e.data.branchId !== branchId) return undefined;
      return (
        `released: ${e.data.reason}` +
        (e.data.take === undefined
          ? ''
          : `; took ${e.data.take.map((t) => `${t.path} from the ${t.side}`).join(', ')}`)
      );
    default:
      return undefined;
  }
};
