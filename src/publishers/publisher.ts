import type { EventOfType, EventType } from '../events/catalogue';
import type { CheckpointStore } from '../events/checkpointStore';
import type { EventLog, RecordedEvent } from '../events/eventLog';
import { parseEvent } from '../events/parseEvent';
import type { ProjectionStore } from '../projections/projectionStore';
import { storeCheckpoints } from '../projections/storeCheckpoints';
import type { DecisionSummary, QuarantineNotice, Snapshot, SnapshotSink } from './snapshotSink';

export interface PublisherOptions {
  log: EventLog;
  sink: SnapshotSink;
  /** The projections: the parents' hashes, and the checkpoint unless `checkpoints` is given. */
  store: ProjectionStore;
  /**
   * Where the checkpoint lives when the sink does not keep it: with the sink's data, so both
   * are kept or lost together (e.g. EventStoreDB checkpoint streams for a broker).
   * @defaultValue the store's `projection_checkpoints` table (right for the embedded topic)
   */
  checkpoints?: CheckpointStore;
  /** @defaultValue 'publisher' */
  name?: string;
  /** @defaultValue 5000 */
  batchSize?: number;
  /**
   * Called for each event not published because it is no valid outcome (the projections
   * rejected it too: a garbage payload written around the promoter, a parent no one promoted).
   */
  onSkipped?: (skipped: { position: number; stream: string; type: string; reason: string }) => void;
}

const summarize = (decisions: readonly { rule: string }[]): DecisionSummary => {
  const byRule: Record<string, number> = {};
  for (const d of decisions) byRule[d.rule] = (byRule[d.rule] ?? 0) + 1;
  return { count: decisions.length, byRule };
};

/** Version hashes by id: those of recent batches, else the projections' versions table. */
const createParentHashes = (store: ProjectionStore) => {
  const select = store.statement('SELECT hash FROM versions WHERE version_id = ?');
  // Two generations: the last 10,000 to 20,000 versions stay, and forgetting costs nothing.
  // (Deleting a Map's oldest entry one at a time made keys().next() walk the deleted slots:
  // a quarter of the publisher's time.)
  let recent = new Map<string, string>();
  let older = new Map<string, string>();
  return {
    remember: (versionId: string, hash: string) => {
      if (recent.size >= 10_000) [older, recent] = [recent, new Map<string, string>()];
      recent.set(versionId, hash);
    },
    /** The parents' hashes; a string naming the first unknown parent instead. */
    of: (parents: readonly string[]): string[] | string => {
      const found: string[] = [];
      for (const p of parents) {
        const hash =
          recent.get(p) ?? older.get(p) ?? (select.get(p) as { hash: string } | undefined)?.hash;
        if (hash === undefined) return `its parent ${p} was never promoted`;
        found.push(hash);
      }
      return found;
    },
  };
};

/**
 * The log is the outbox: every VersionPromoted (and BranchQuarantined, for a sink that asks)
 * is published in log order, and the checkpoint moves only after the sink acknowledged. After
 * a crash the last batch may go out again; the sink stores a snapshot once (by version id) or
 * says how downstream drops the repeat. Publishers of several promoter processes may run at
 * once: the checkpoint only moves forward. A sink with its own checkpoint keeps it instead.
 */
export const createPublisher = (options: PublisherOptions) => {
  const { log, sink, store, name = 'publisher', batchSize = 5000 } = options;
  const checkpoints = options.checkpoints ?? storeCheckpoints(store);
  const hashes = createParentHashes(store);
  const eventTypes: EventType[] =
    sink.quarantines === true ? ['VersionPromoted', 'BranchQuarantined'] : ['VersionPromoted'];
  const skip = (e: RecordedEvent, reason: string) =>
    options.onSkipped?.({ position: e.position, stream: e.stream, type: e.type, reason });
  /** The snapshot, or why there is none. */
  const toSnapshot = (e: RecordedEvent & EventOfType<'VersionPromoted'>): Snapshot | string => {
    // Field by field: a rest pattern and a spread copied every version twice, slowly.
    const { versionId, entity, parents, depth, phase, branchIds, promotedAt, hash, doc } = e.data;
    const parentHashes = hashes.of(parents);
    if (typeof parentHashes === 'string') return parentHashes;
    hashes.remember(versionId, hash);
    return {
      versionId,
      entity,
      parents,
      depth,
      phase,
      branchIds,
      promotedAt,
      hash,
      doc,
      position: e.position,
      parentHashes,
      decisionSummary: summarize(e.data.decisions),
    };
  };
  const toNotice = (e: RecordedEvent & EventOfType<'BranchQuarantined'>): QuarantineNotice => {
    const { branchId, entity, violations } = e.data;
    return {
      branchId,
      entity,
      violations,
      position: e.position,
      recordedAt: e.metadata.recordedAt,
    };
  };
  const checkpoint = () => (sink.checkpoint ? sink.checkpoint() : checkpoints.load(name));
  /** The next batch from `from` on, turned into what the sink takes. */
  const read = async (from: number) => {
    const events = await log.readAll({
      fromPosition: from,
      limit: batchSize,
      filter: { eventTypes },
    });
    const snapshots: Snapshot[] = [];
    const quarantines: QuarantineNotice[] = [];
    for (const e of events) {
      // What the projections refuse is no outcome: a poison event never stops publishing.
      const checked = parseEvent({ type: e.type, data: e.data, metadata: e.metadata });
      if (checked._tag === 'Left') skip(e, checked.left.message);
      else if (e.type === 'VersionPromoted') {
        const snapshot = toSnapshot(e);
        if (typeof snapshot === 'string') skip(e, snapshot);
        else snapshots.push(snapshot);
      } else if (e.type === 'BranchQuarantined') quarantines.push(toNotice(e));
    }
    return {
      full: events.length === batchSize,
      position: events.at(-1)?.position,
      snapshots,
      quarantines,
    };
  };
  return {
    /**
     * Publishes everything promoted so far; resolves with how many snapshots went out. With a
     * signal, stops after the batch during which it aborted.
     */
    catchUp: async (signal?: AbortSignal): Promise<number> => {
      let published = 0;
      let batch = await read((await checkpoint()) + 1);
      for (;;) {
        const { full, position, snapshots, quarantines } = batch;
        if (position === undefined) return published;
        const publishing =
          snapshots.length + quarantines.length > 0
            ? sink.publish(snapshots, { position, quarantines })
            : Promise.resolve();
        // The next batch is read while the sink waits for its acknowledgement (after this turn
        // of the event loop: by then the sink has sent its request).
        const next = full
          ? new Promise((r) => setImmediate(r)).then(() => read(position + 1))
          : undefined;
        next?.catch(() => undefined); // observed below, unless publishing fails first
        await publishing;
        if (!sink.checkpoint) await checkpoints.save(name, position);
        published += snapshots.length;
        if (next === undefined || signal?.aborted === true) return published;
        batch = await next;
      }
    },
  };
};
