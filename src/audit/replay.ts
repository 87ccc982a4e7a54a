import * as E from 'fp-ts/Either';
import type { EventLog, RecordedEvent } from '../events/eventLog';
import type { PartOf } from '../events/entityPartition';
import type { EntityRef } from '../events/schemas/common';
import { streamNames, type StreamNames } from '../events/streams';
import type { EntityRegistry } from '../projections/defineEntity';
import type { JsonObject } from '../reconcilers/json';
import { applyVersion, rebuildVersion, type RebuiltVersion } from './rebuildVersion';
import type { Promotion } from './entityHistory';
import { createReplayState, type ReplayState } from './replayState';
import { checkLogPoint, entityEvents, pastPoint, wholeLog, type LogPoint } from './replaySource';

export interface ReplayOptions {
  log: EventLog;
  /** The entity types, whose merge rules the promoter used. */
  registry: EntityRegistry;
  /** @defaultValue streamNames('driftless') */
  streams?: StreamNames;
  /** @defaultValue the whole log */
  until?: LogPoint;
  /** Only this entity's history (its stream and its settled branches' streams). */
  entity?: EntityRef;
  /**
   * Only one part of the entities (those whose key hashes to `index` mod `count`, as
   * `serve --worker` splits them): parts replay independently, in parallel processes.
   */
  part?: PartOf;
  /** Events read per page. @defaultValue 1000 */
  pageSize?: number;
  /** After each page: the last position replayed and the events so far. */
  onProgress?: (position: number, events: number) => void;
  /** Each version as it is replayed, in log order; return 'stop' to end the replay there. */
  onVersion?: (version: ReplayedVersion) => 'stop' | void;
}

/** One VersionPromoted as replay saw it: what the log records and what replay rebuilt. */
export interface ReplayedVersion {
  recorded: Promotion;
  /** 1 for the entity's first version. */
  ordinal: number;
  /** Left: why the version could not be rebuilt from its branch's events. */
  rebuilt: E.Either<string, RebuiltVersion>;
}

/** An entity's head as replay rebuilt it. */
export interface ReplayedHead {
  entity: EntityRef;
  versionId: string;
  ordinal: number;
  hash: string;
  doc: JsonObject;
}

export interface ReplaySummary {
  /** Branch and entity events read. */
  events: number;
  versions: number;
  /** Versions that could not be rebuilt (their reason went to `onVersion`). */
  unrebuilt: number;
  /** Position of the last event replayed; 0 when none was. */
  position: number;
  /** Whether `onVersion` ended the replay early. */
  stopped: boolean;
  /** Every head at the end, and the branches still open or quarantined then. */
  heads: ReplayedHead[];
  openBranches: number;
}

type Counts = Pick<ReplaySummary, 'events' | 'versions' | 'unrebuilt' | 'position' | 'stopped'>;

/** Applies one event; true when `onVersion` asked to stop. */
const apply = (
  state: ReplayState,
  options: ReplayOptions,
  event: RecordedEvent,
  counts: Counts,
): boolean => {
  switch (event.type) {
    case 'BranchOpened':
      state.opened(event);
      break;
    case 'MutationRecorded':
      state.mutated(event);
      break;
    case 'BranchCommitted':
      state.committed(event);
      break;
    case 'BranchAbandoned':
      state.abandoned(event.data.branchId);
      break;
    case 'BranchQuarantined':
      state.quarantined(event.data.branchId);
      break;
    case 'QuarantineReleased':
      state.released(event);
      break;
    case 'VersionPromoted': {
      const rebuilt = rebuildVersion(state, options.registry, event);
      const { ordinal } = applyVersion(state, event, rebuilt);
      counts.versions += 1;
      if (E.isLeft(rebuilt)) counts.unrebuilt += 1;
      return options.onVersion?.({ recorded: event, ordinal, rebuilt }) === 'stop';
    }
    default:
      break;
  }
  return false;
};

const run = async (
  state: ReplayState,
  options: ReplayOptions,
  pages: AsyncIterable<RecordedEvent[]>,
): Promise<Counts> => {
  const streams = options.streams ?? streamNames();
  const counts: Counts = { events: 0, versions: 0, unrebuilt: 0, position: 0, stopped: false };
  const isPast = pastPoint(options.until);
  for await (const page of pages) {
    // Taken off the page one at a time: an applied event dies young (what the state keeps of
    // it aside) instead of being copied by every minor GC while the rest of the page is applied.
    page.reverse();
    for (let event = page.pop(); event !== undefined; event = page.pop()) {
      if (isPast(event)) return counts;
      if (
        event.type === 'BranchOpened' &&
        state.forgot(event.data.entity, event.data.baseVersionId)
      )
        await recover(state, options, streams, event);
      counts.events += 1;
      counts.position = event.position;
      if (apply(state, options, event, counts)) return { ...counts, stopped: true };
    }
    options.onProgress?.(counts.position, counts.events);
  }
  return counts;
};

/**
 * A branch opened from a version replay had already let go of (an explicit older base):
 * replays that entity alone up to the branch, holding on to that version, and hands the
 * versions from it onwards back to the main replay.
 */
const recover = async (
  state: ReplayState,
  options: ReplayOptions,
  streams: StreamNames,
  opened: RecordedEvent & { type: 'BranchOpened' },
) => {
  const { entity, baseVersionId } = opened.data;
  const sub = createReplayState();
  sub.pin(baseVersionId!);
  const { onVersion: _v, onProgress: _p, until: _u, ...rest } = options;
  await run(sub, rest, entityEvents(options.log, streams, entity, opened.position));
  const window = sub.window(entity);
  const from = window.findIndex((v) => v.versionId === baseVersionId);
  state.restore(entity, baseVersionId!, from < 0 ? [] : window.slice(from));
};

/**
 * Rebuilds every head from the branch events alone: each VersionPromoted says which branch
 * became which version; its document, decisions and hash are recomputed by the promoter's
 * reconciliation from that branch's ops, its base and the entity's head as replayed so far,
 * never read from the recorded document. Streams the log a page at a time.
 * @throws ValidationError for an unknown entity or a position past the end of the log
 */
export const replay = async (options: ReplayOptions): Promise<ReplaySummary> => {
  const { log, entity, pageSize = 1000 } = options;
  const streams = options.streams ?? streamNames();
  await checkLogPoint(log, options.until);
  const state = createReplayState();
  const pages =
    entity === undefined
      ? wholeLog(log, streams, pageSize, options.part)
      : entityEvents(log, streams, entity);
  const counts = await run(state, options, pages);
  const heads = [...state.heads()].map(({ entity: e, versionId, ordinal }) => {
    const { hash, doc } = state.reader.version(versionId)!;
    return { entity: e, versionId, ordinal, hash, doc };
  });
  return { ...counts, heads, openBranches: state.size().branches };
};
