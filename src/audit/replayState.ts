import type { EventOfType, EventType } from '../events/catalogue';
import type { RecordedEvent } from '../events/eventLog';
import type { EntityRef } from '../events/schemas/common';
import type { Op } from '../events/schemas/ops';
import { addTakes } from '../projections/branchState';
import type { BranchRow, HeadRow, LineageReader, VersionRow } from '../projections/projectionStore';

type Recorded<T extends EventType> = RecordedEvent & EventOfType<T>;

interface LiveBranch {
  row: BranchRow;
  /** Ops by sequence number; the first recording of a number wins, as in branch state. */
  ops: Map<number, Op[]>;
}

/** One entity's versions still needed: from the oldest an open branch started from to the head. */
interface EntityLine {
  head: HeadRow;
  /** Contiguous, oldest first; the last is the head. */
  window: VersionRow[];
}

/** Entity lines by type, then id: no key string is built per look-up. */
const createLines = () => {
  const byType = new Map<string, Map<string, EntityLine>>();
  let count = 0;
  return {
    get: (e: EntityRef) => byType.get(e.type)?.get(e.id),
    set: (e: EntityRef, line: EntityLine) => {
      let ids = byType.get(e.type);
      if (ids === undefined) byType.set(e.type, (ids = new Map<string, EntityLine>()));
      if (!ids.has(e.id)) count += 1;
      ids.set(e.id, line);
    },
    get size() {
      return count;
    },
    *values() {
      for (const ids of byType.values()) yield* ids.values();
    },
  };
};

/**
 * What replay keeps in memory: open work (branches not yet promoted or abandoned, with their
 * ops) and, per entity, its head plus the versions an open branch started from and those
 * after them. Anything older is dropped, so memory follows live entities and open branches,
 * not the length of history. Read through `reader`, the same way the promoter reads its
 * projections, so reconciliation runs the promoter's code.
 */
export const createReplayState = () => {
  const branches = new Map<string, LiveBranch>();
  const lines = createLines();
  const versions = new Map<string, VersionRow>();
  const pins = new Map<string, number>();
  /** Base versions a recovery looked for in vain: never looked for again. */
  const absent = new Set<string>();

  const trim = (line: EntityLine) => {
    while (line.window.length > 1 && !pins.has(line.window[0]!.versionId))
      versions.delete(line.window.shift()!.versionId);
  };
  const unpin = (versionId: string | null) => {
    if (versionId === null) return;
    const left = (pins.get(versionId) ?? 0) - 1;
    if (left > 0) return void pins.set(versionId, left);
    pins.delete(versionId);
    const version = versions.get(versionId);
    const line = version && lines.get(version.entity);
    if (line !== undefined) trim(line);
  };
  const end = (branchId: string) => {
    const branch = branches.get(branchId);
    if (branch === undefined) return;
    branches.delete(branchId);
    unpin(branch.row.baseVersionId);
  };

  const reader: LineageReader = {
    branch: (id) => branches.get(id)?.row,
    branchOps: (id) => {
      const ops = branches.get(id)?.ops ?? new Map<number, Op[]>();
      return [...ops.keys()].sort((a, b) => a - b).map((seq) => ops.get(seq)!);
    },
    version: (id) => versions.get(id),
    head: (entity) => lines.get(entity)?.head,
    parentsOf: (id) => versions.get(id),
    changedAfter: (entity, ordinal) =>
      (lines.get(entity)?.window ?? [])
        .filter((v) => v.ordinal > ordinal)
        .flatMap((v) => v.changed),
    branchesAfter: (entity, ordinal) =>
      (lines.get(entity)?.window ?? [])
        .filter((v) => v.ordinal > ordinal)
        .flatMap((v) => v.branchIds),
  };

  return {
    reader,
    /** Live entities (with a head) and open branches, for progress and memory reports. */
    size: () => ({ entities: lines.size, branches: branches.size, versions: versions.size }),
    heads: (): Iterable<HeadRow> => [...lines.values()].map((l) => l.head),
    /** Whether an opened branch's base is a version this replay no longer holds. */
    forgot: (entity: EntityRef, versionId: string | null) =>
      versionId !== null &&
      !versions.has(versionId) &&
      !absent.has(versionId) &&
      lines.get(entity) !== undefined,

    opened: ({ data }: Recorded<'BranchOpened'>) => {
      if (branches.has(data.branchId)) return; // opened twice: branch state keeps the first
      branches.set(data.branchId, {
        ops: new Map(),
        row: {
          branchId: data.branchId,
          entity: data.entity,
          baseVersionId: data.baseVersionId,
          phase: data.phase,
          actor: data.actor,
          deadline: data.deadline ?? null,
          status: 'open',
          mutationCount: 0,
          lastSeq: 0,
          commitCount: null,
          commitDigest: null,
          flaw: null,
          endReason: null,
          commitEvent: null,
          takes: [],
        },
      });
      if (data.baseVersionId !== null)
        pins.set(data.baseVersionId, (pins.get(data.baseVersionId) ?? 0) + 1);
    },
    mutated: ({ data }: Recorded<'MutationRecorded'>) => {
      const branch = branches.get(data.branchId);
      if (branch?.row.status !== 'open' || branch.ops.has(data.seq)) return;
      branch.ops.set(data.seq, data.ops);
      branch.row.mutationCount += 1;
      branch.row.lastSeq = Math.max(branch.row.lastSeq, data.seq);
    },
    committed: ({ data, metadata }: Recorded<'BranchCommitted'>) => {
      const branch = branches.get(data.branchId);
      if (branch?.row.status !== 'open') return;
      Object.assign(branch.row, {
        status: 'committed',
        commitCount: data.mutationCount,
        commitDigest: data.digest,
        commitEvent: { eventId: metadata.eventId, correlationId: metadata.correlationId },
      });
    },
    /** The first ending wins: an abandon after a promotion changes nothing. */
    abandoned: (branchId: string) => {
      const status = branches.get(branchId)?.row.status;
      if (status === 'open' || status === 'quarantined') end(branchId);
    },
    quarantined: (branchId: string) => {
      const branch = branches.get(branchId);
      if (branch !== undefined) branch.row.status = 'quarantined';
    },
    released: ({ data }: Recorded<'QuarantineReleased'>) => {
      const branch = branches.get(data.branchId);
      if (branch?.row.status !== 'quarantined') return;
      branch.row.status = 'committed';
      if (data.take !== undefined) branch.row.takes = addTakes(branch.row.takes, data.take);
    },
    /** A version became its entity's head; the branches it promoted are over. */
    promoted: (version: VersionRow, provenance: HeadRow['provenance'], branchIds: string[]) => {
      const { entity, versionId, ordinal } = version;
      const head: HeadRow = { entity, versionId, ordinal, provenance };
      const line = lines.get(entity);
      if (line === undefined) lines.set(entity, { head, window: [version] });
      else {
        line.head = head;
        line.window.push(version);
      }
      versions.set(version.versionId, version);
      branchIds.forEach(end);
      trim(lines.get(entity)!);
    },
    /** Versions recovered from the log (oldest first, from `wanted` on) to put before the window. */
    restore: (entity: EntityRef, wanted: string, older: readonly VersionRow[]) => {
      const line = lines.get(entity);
      if (older.length === 0) absent.add(wanted);
      if (line === undefined) return;
      const floor = line.window[0]!.ordinal;
      const missing = older.filter((v) => v.ordinal < floor && !versions.has(v.versionId));
      line.window.unshift(...missing);
      for (const v of missing) versions.set(v.versionId, v);
    },
    /** Keeps a version (and those after it) even before any branch started from it. */
    pin: (versionId: string) => pins.set(versionId, (pins.get(versionId) ?? 0) + 1),
    window: (entity: EntityRef): readonly VersionRow[] => lines.get(entity)?.window ?? [],
  };
};

export type ReplayState = ReturnType<typeof createReplayState>;
