import Database from 'better-sqlite3';
import { setTimeout as sleep } from 'node:timers/promises';
import { existsSync } from 'node:fs';
import { DriftlessError, ERROR_CODES, ValidationError } from '../../events/errors';
import { DEFAULT_BUSY_TIMEOUT_MS } from '../../events/sqlite/openDatabase';
import type { RetryPolicy } from '../../sdk/retry';
import { createEmbeddedTopic, type TopicRecord } from './embeddedTopic';

export interface EmbeddedConsumerOptions {
  /** The SQLite file of the embedded topic (the log's, or the state file with EventStoreDB). */
  path: string;
  /** Its committed offset is kept in the file under this name: a restart goes on from there. */
  group: string;
  /** Called once per snapshot, in offset order; its offset is committed once it resolved. */
  handler: (record: TopicRecord) => Promise<void> | void;
  /** How often to look for new snapshots once all are handled. @defaultValue 100 */
  pollMs?: number;
  /**
   * Attempts of the handler on one snapshot before the consumer stops there.
   * @defaultValue { attempts: 5, initialDelayMs: 100 }
   */
  handlerRetry?: RetryPolicy;
  /** Ends the consumer (after the snapshot in hand); the promise then resolves. */
  signal?: AbortSignal;
}

/** The handler gave up on one snapshot: the group's offset stays on it. */
export class HandlerFailedError extends DriftlessError {
  constructor(
    readonly record: TopicRecord,
    cause: unknown,
    attempts: number,
  ) {
    super(
      ERROR_CODES.HANDLER_FAILED,
      `handler failed ${attempts} times on offset ${record.offset} (version ${record.snapshot.versionId} of ${record.snapshot.entity.type}/${record.snapshot.entity.id}): ${cause instanceof Error ? cause.message : String(cause)}; the group's offset stays there, so the next start tries it again`,
      { cause },
    );
  }
}

const PAGE = 100;
const HANDLER_RETRY: RetryPolicy = { attempts: 5, initialDelayMs: 100 };

const OFFSETS = `
CREATE TABLE IF NOT EXISTS snapshot_topic_groups (
  name        TEXT PRIMARY KEY,
  next_offset INTEGER NOT NULL
) WITHOUT ROWID;
`;

/**
 * Downstream's side of the embedded topic: hands each promoted snapshot to `handler` in offset
 * order, from the group's committed offset (the first snapshot for a new group), then waits
 * for new ones until `signal` aborts. At least once: a crash after the handler and before the
 * commit hands that snapshot over again (its `versionId` tells a repeat). One consumer per
 * group at a time. A handler that throws is tried again; after `handlerRetry.attempts` the
 * consumer stops with a HandlerFailedError and the offset stays on that snapshot.
 */
export const consumeEmbeddedTopic = async (options: EmbeddedConsumerOptions): Promise<void> => {
  const { path, group, handler, pollMs = 100, signal } = options;
  const { attempts, initialDelayMs } = options.handlerRetry ?? HANDLER_RETRY;
  // A mistyped path would otherwise become a new, empty file, followed for ever in silence.
  if (!existsSync(path))
    throw new ValidationError(
      [
        {
          path: '/path',
          expected: 'the SQLite file serve (or demo) publishes to',
          received: path,
          message: 'no such file',
        },
      ],
      'cannot consume the embedded topic',
    );
  const topic = createEmbeddedTopic({ path });
  const db = new Database(path);
  db.pragma(`busy_timeout = ${DEFAULT_BUSY_TIMEOUT_MS}`);
  // A commit lost to power failure hands a snapshot over again: at least once either way.
  db.pragma('synchronous = NORMAL');
  db.exec(OFFSETS);
  const committed = db
    .prepare('SELECT next_offset FROM snapshot_topic_groups WHERE name = ?')
    .pluck();
  const commit = db.prepare(
    `INSERT INTO snapshot_topic_groups (name, next_offset) VALUES (?, ?)
     ON CONFLICT (name) DO UPDATE SET next_offset = excluded.next_offset`,
  );
  const stopped = () => signal?.aborted === true;
  const pause = (ms: number) => sleep(ms, undefined, { signal }).catch(() => undefined);
  /** Whether the handler took it; false when the consumer was stopped while retrying. */
  const handle = async (record: TopicRecord): Promise<boolean> => {
    for (let attempt = 1; ; attempt++) {
      try {
        await handler(record);
        return true;
      } catch (error) {
        if (attempt >= attempts) throw new HandlerFailedError(record, error, attempts);
        await pause(initialDelayMs * 2 ** (attempt - 1));
        if (stopped()) return false;
      }
    }
  };
  try {
    let next = (committed.get(group) as number | undefined) ?? 1;
    while (!stopped()) {
      const page = topic.read({ fromOffset: next, limit: PAGE });
      for (const record of page) {
        if (stopped() || !(await handle(record))) return;
        next = record.offset + 1;
        commit.run(group, next);
      }
      if (page.length < PAGE) await pause(pollMs);
    }
  } finally {
    db.close();
    await topic.close();
  }
};
