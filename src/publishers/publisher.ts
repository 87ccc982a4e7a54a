import type { CheckpointStore } from '../events/checkpointStore';
import type { EventLog } from '../events/eventLog';
import type { ProjectionStore } from '../projections/projectionStore';
import { storeCheckpoints } from '../projections/storeCheckpoints';
import type { Snapshot, SnapshotSink } from './snapshotSink';

/**
 * Where the checkpoint lives, with the sink's data: in `store`'s `projection_checkpoints`
 * table (for the embedded topic in the same file), or in `checkpoints` (e.g. EventStoreDB
 * checkpoint streams, for a broker).
 */
export type PublisherCheckpoint =
  | { store: ProjectionStore; checkpoints?: undefined }
  | { checkpoints: CheckpointStore; store?: undefined };

export type PublisherOptions = PublisherCheckpoint & {
  log: EventLog;
  sink: SnapshotSink;
  /** @defaultValue 'publisher' */
  name?: string;
  /** @defaultValue 500 */
  batchSize?: number;
};

/**
 * The log is the outbox: every VersionPromoted is published in log order, and the
 * publisher's checkpoint moves only after the sink acknowledged. After a crash the last batch
 * may go out again; the sink stores a snapshot once (by version id). Publishers of several
 * promoter processes may run at once: the checkpoint only moves forward.
 */
export const createPublisher = (options: PublisherOptions) => {
  const { log, sink, name = 'publisher', batchSize = 500 } = options;
  const checkpoints = options.checkpoints ?? storeCheckpoints(options.store);
  return {
    /** Publishes everything promoted so far; resolves with how many snapshots went out. */
    catchUp: async (): Promise<number> => {
      let published = 0;
      for (;;) {
        const from = (await checkpoints.load(name)) + 1;
        const events = await log.readAll({
          fromPosition: from,
          limit: batchSize,
          filter: { eventTypes: ['VersionPromoted'] },
        });
        const snapshots: Snapshot[] = events.flatMap((e) => {
          if (e.type !== 'VersionPromoted') return [];
          const { decisions: _decisions, ...version } = e.data;
          return [{ ...version, position: e.position }];
        });
        if (snapshots.length > 0) await sink.publish(snapshots);
        if (events.length > 0) await checkpoints.save(name, events.at(-1)!.position);
        published += snapshots.length;
        if (events.length < batchSize) return published;
      }
    },
  };
};
