import { createAppendNotifier } from '../appendNotifier';
import type { EventType } from '../catalogue';
import { LogClosedError, StreamNotFoundError } from '../errors';
import type { AppendResult, EventFilter, EventLog, ExpectedRevision } from '../eventLog';
import { checkExpectedRevision, idempotentResult, type StoredEventRef } from '../logRules';
import { DEFAULT_MAX_EVENT_BYTES, prepareAppend, type PreparedEvent } from '../prepareAppend';
import { subscribeFrom } from '../subscription';
import { openDatabase, toLogError, type OpenDatabaseOptions } from './openDatabase';
import { createFilterQueries } from './filterQueries';
import { toRecorded } from './eventRow';

export interface SqliteEventLogOptions extends OpenDatabaseOptions {
  /** The database file; created when missing. */
  path: string;
  /** @defaultValue 1 MiB */
  maxEventBytes?: number;
  /** How often a waiting subscription looks for appends made by other processes. @defaultValue 100 */
  pollIntervalMs?: number;
}

/**
 * The embedded default: an EventLog in one SQLite file (WAL). Appends are one IMMEDIATE
 * transaction each, with the expected revision checked inside it, so concurrent writers in any
 * number of processes cannot both win a revision.
 */
export const createSqliteEventLog = (options: SqliteEventLogOptions): EventLog => {
  const db = openDatabase(options.path, options);
  const notifier = createAppendNotifier();
  const maxEventBytes = options.maxEventBytes ?? DEFAULT_MAX_EVENT_BYTES;
  let closed = false;

  const currentRevision = db.prepare<[string], { r: number | null }>(
    'SELECT max(revision) AS r FROM events WHERE stream = ?',
  );
  const findById = db.prepare<[string], StoredEventRef>(
    'SELECT stream, revision, position FROM events WHERE event_id = ?',
  );
  const insert = db.prepare(
    'INSERT INTO events (stream, revision, event_id, type, data, metadata) VALUES (?, ?, ?, ?, ?, ?)',
  );
  const lastPosition = db.prepare<[], { p: number | null }>(
    'SELECT max(position) AS p FROM events',
  );
  const queries = createFilterQueries(db);

  const write = db.transaction(
    (stream: string, prepared: PreparedEvent[], expected: ExpectedRevision): AppendResult => {
      const current = currentRevision.get(stream)?.r ?? undefined;
      // One lookup decides: the unique index on event_id rejects a batch that only partly repeats.
      if (findById.get(prepared[0]!.eventId) !== undefined) {
        const repeat = idempotentResult(
          stream,
          expected,
          prepared.map((p) => findById.get(p.eventId)),
          current,
        );
        if (repeat) return repeat;
      }
      checkExpectedRevision(stream, expected, current);
      let revision = current ?? -1;
      let position = 0;
      for (const p of prepared) {
        revision += 1;
        position = Number(
          insert.run(stream, revision, p.eventId, p.event.type, p.data, p.metadata).lastInsertRowid,
        );
      }
      return { nextRevision: revision, position };
    },
  );

  const guard = <T>(context: string, run: () => T): T => {
    if (closed) throw new LogClosedError();
    try {
      return run();
    } catch (error) {
      throw toLogError(error, context);
    }
  };

  const log: EventLog = {
    append: async (stream, events, { expectedRevision }) => {
      const prepared = prepareAppend(stream, events, maxEventBytes);
      const result = guard(`append to "${stream}"`, () =>
        write.immediate(stream, prepared, expectedRevision),
      );
      notifier.notify();
      return result;
    },

    readStream: async (stream, { from, direction = 'forwards', limit = -1 } = {}) =>
      guard(`read "${stream}"`, () => {
        const backwards = direction === 'backwards';
        const edge = from ?? (backwards ? 'end' : 'start');
        const start = edge === 'start' ? 0 : edge === 'end' ? Number.MAX_SAFE_INTEGER : edge;
        const rows = (backwards ? queries.streamBackwards : queries.streamForwards).all(
          stream,
          start,
          limit,
        );
        if (rows.length === 0 && currentRevision.get(stream)?.r == null)
          throw new StreamNotFoundError(stream);
        return rows.map(toRecorded);
      }),

    readAll: async ({ fromPosition = 'start', limit = 1000, filter } = {}) =>
      guard('read $all', () =>
        queries
          .range(filter)
          .all(
            fromPosition === 'start' ? 0 : fromPosition - 1,
            Number.MAX_SAFE_INTEGER,
            limit,
            ...filterArgs(filter),
          )
          .map(toRecorded),
      ),

    subscribe: (subscribeOptions) =>
      subscribeFrom(
        {
          lastPosition: async () => guard('read $all', () => lastPosition.get()?.p ?? 0),
          readRange: async (after, upTo, limit, filter) =>
            guard('read $all', () =>
              queries
                .range(filter)
                .all(after, upTo, limit, ...filterArgs(filter))
                .map(toRecorded),
            ),
          // Checked and registered in one synchronous step, so no append slips in between.
          waitForAppend: (after, signal) =>
            !closed && (lastPosition.get()?.p ?? 0) > after
              ? Promise.resolve()
              : notifier.next(signal, options.pollIntervalMs ?? 100),
          isClosed: () => closed,
        },
        subscribeOptions,
      ),

    close: async () => {
      if (closed) return;
      closed = true;
      notifier.notify();
      db.close();
    },
  };
  return log;
};

const filterArgs = (filter: EventFilter | undefined): string[] => [
  ...(filter?.streamPrefixes ?? []).flatMap((p) => [p, `${p}~`]),
  ...((filter?.eventTypes ?? []) as EventType[]),
];
