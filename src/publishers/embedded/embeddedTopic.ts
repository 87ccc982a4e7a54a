import Database from 'better-sqlite3';
import { DEFAULT_BUSY_TIMEOUT_MS } from '../../events/sqlite/openDatabase';
import { walAutocheckpoint } from '../../events/sqlite/backgroundCheckpoints';
import { immediately } from '../../events/sqlite/writeLock';
import type { EntityRef } from '../../events/schemas/common';
import type { PublishContext, Snapshot, SnapshotSink } from '../snapshotSink';

const SCHEMA = `
CREATE TABLE IF NOT EXISTS snapshot_topic (
  "offset"    INTEGER PRIMARY KEY AUTOINCREMENT,
  version_id  TEXT NOT NULL UNIQUE,
  entity_type TEXT NOT NULL,
  entity_id   TEXT NOT NULL,
  snapshot    TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS snapshot_topic_entity ON snapshot_topic (entity_type, entity_id, "offset");
`;

export interface TopicRecord {
  /** 1 for the first snapshot, then +1 each: downstream keeps its place by offset. */
  offset: number;
  snapshot: Snapshot;
}

export interface EmbeddedTopic extends SnapshotSink {
  /** Stores the snapshots not stored yet; the context is not needed here. */
  publish(snapshots: readonly Snapshot[], context?: PublishContext): Promise<void>;
  /** Snapshots from `fromOffset` (inclusive), oldest first; with `entity`, that entity's only. */
  read(options?: { fromOffset?: number; limit?: number; entity?: EntityRef }): TopicRecord[];
}

/**
 * The embedded snapshot topic: a table in a SQLite file (the log's own, by default) with
 * offsets, readable by downstream code with no broker. A snapshot published twice is stored once.
 */
export const createEmbeddedTopic = (
  options:
    | {
        path: string;
        /** Off when `startBackgroundCheckpoints` runs for the file. @defaultValue true */
        inlineCheckpoints?: boolean;
      }
    | {
        /**
         * A connection the caller opened (in WAL mode) and closes itself, such as the projection
         * store's: one connection's commits never empty another's page cache.
         */
        connection: Database.Database;
      },
): EmbeddedTopic => {
  const owned = !('connection' in options);
  const db = owned ? new Database(options.path) : options.connection;
  if (owned) {
    db.pragma('journal_mode = WAL');
    // Fewer, larger checkpoints: at the default (1,000 pages) they stall busy writers often.
    db.pragma(walAutocheckpoint(options.inlineCheckpoints ?? true));
    db.pragma(`busy_timeout = ${DEFAULT_BUSY_TIMEOUT_MS}`);
  }
  db.exec(SCHEMA);
  // Not INSERT OR IGNORE: an ignored row still uses up an AUTOINCREMENT value, so a repeated
  // batch (after a lost acknowledgement or a crash) would leave a gap in the offsets.
  const insert = db.prepare(
    `INSERT INTO snapshot_topic (version_id, entity_type, entity_id, snapshot)
     SELECT @id, @type, @entity, @snapshot
     WHERE NOT EXISTS (SELECT 1 FROM snapshot_topic WHERE version_id = @id)`,
  );
  const write = immediately(
    db,
    (snapshots: readonly Snapshot[]) => {
      for (const s of snapshots)
        insert.run({
          id: s.versionId,
          type: s.entity.type,
          entity: s.entity.id,
          snapshot: JSON.stringify(s),
        });
    },
    DEFAULT_BUSY_TIMEOUT_MS,
  );
  const select = db.prepare(
    'SELECT "offset", snapshot FROM snapshot_topic WHERE "offset" >= ? ORDER BY "offset" LIMIT ?',
  );
  const selectEntity = db.prepare(
    `SELECT "offset", snapshot FROM snapshot_topic
     WHERE entity_type = ? AND entity_id = ? AND "offset" >= ? ORDER BY "offset" LIMIT ?`,
  );
  return {
    publish: async (snapshots) => write(snapshots),
    read: ({ fromOffset = 1, limit = 1000, entity } = {}) =>
      (
        (entity === undefined
          ? select.all(fromOffset, limit)
          : selectEntity.all(entity.type, entity.id, fromOffset, limit)) as {
          offset: number;
          snapshot: string;
        }[]
      ).map((r) => ({ offset: r.offset, snapshot: JSON.parse(r.snapshot) as Snapshot })),
    close: async () => {
      if (owned) db.close();
    },
  };
};
