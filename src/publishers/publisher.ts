import type { EventLog } from '../events/eventLog';
import type { ProjectionStore } from '../projections/projectionStore';
import type { Snapshot, SnapshotSink } from './snapshotSink';

export interface PublisherOptions {
  log: EventLog;
  sink: SnapshotSink;
  /** Holds the publisher's checkpoint. */
  store: ProjectionStore;
  /** @defaultValue 'publisher' */
  name?: string;
  /** @defaultValue 5000 */
  batchSize?: number;
}

/**
 * The log is the outbox: every VersionPromoted is published in log order, and the
 * publisher's checkpoint moves only after the sink acknowledged. After a crash the last batch
 * may go out again; the sink stores a snapshot once (by version id). Publishers of several
 * promoter processes may run at once: the checkpoint only moves forward.
 */
export const createPublisher = (options: PublisherOptions) => {
  const { log, sink, store, name = 'publisher', batchSize = 5000 } = options;
  const statement = store.statement(
    'INSERT INTO projection_checkpoints (name, position) VALUES (?, ?) ON CONFLICT (name) DO UPDATE SET position = max(position, excluded.position)',
  );
  const save = store.immediate((position: number) => statement.run(name, position));
  return {
    /** Publishes everything promoted so far; resolves with how many snapshots went out. */
    catchUp: async (): Promise<number> => {
      let published = 0;
      for (;;) {
        const from = store.checkpoint(name) + 1;
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
        if (events.length > 0) save(events.at(-1)!.position);
        published += snapshots.length;
        if (events.length < batchSize) return published;
      }
    },
  };
};
