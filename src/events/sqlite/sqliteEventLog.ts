import { createAppendNotifier } from '../appendNotifier';
import type { EventType } from '../catalogue';
import { LogClosedError, StreamNotFoundError } from '../errors';
import type { AppendResult, EventFilter, EventLog, ExpectedRevision } from '../eventLog';
import { checkExpectedRevision, idempotentResult, type StoredEventRef } from '../logRules';
import { DEFAULT_MAX_EVENT_BYTES, prepareAppend, type PreparedEvent } from '../prepareAppend';
import { subscribeFrom } from '../subscription';
import {
  DEFAULT_BUSY_TIMEOUT_MS,
  openDatabase,
  toLogError,
  type OpenDatabaseOptions,
} from './openDatabase';
import { createFilterQueries } from './filterQueries';
import { toRecorded } from './eventRow';
import { immediately } from './writeLock';

export interface SqliteEventLogOptions extends OpenDatabaseOptions {
  /** The database file; created when missing. */
  path: string;
  /** @defaultValue 1 MiB */
  maxEventBytes?: number;
  /** How often a waiting subscription looks for appends made by other processes. @defaultValue 100 */
  pollIntervalMs?: number;
}

interface PendingAppend {
  stream: string;
  prepared: PreparedEvent[];
  expected: ExpectedRevision;
  resolve: (result: AppendResult) => void;
  reject: (error: unknown) => void;
}

/**
 * The embedded default: an EventLog in one SQLite file (WAL). Each append checks its expected
 * revision inside an IMMEDIATE transaction, so concurrent writers in any number of processes
 * cannot both win a revision. Appends made in the same turn of the event loop share one
 * transaction (group commit: one fsync for all), each in its own savepoint, so one append's
 * failure leaves the others written and each caller hears only its own result.
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

  let pending: PendingAppend[] = [];
  const writeGroup = immediately(
    db,
    (group: PendingAppend[]) =>
      group.map((a) => {
        try {
          return { ok: write(a.stream, a.prepared, a.expected) } as const;
        } catch (error) {
          return { error } as const;
        }
      }),
    options.busyTimeoutMs ?? DEFAULT_BUSY_TIMEOUT_MS,
  );
  const flush = () => {
    const group = pending;
    pending = [];
    if (group.length === 0) return;
    if (closed) return group.forEach((a) => a.reject(new LogClosedError()));
    let outcomes;
    try {
      outcomes = writeGroup(group);
    } catch (error) {
      const failure = toLogError(error, `append to ${group.length} stream(s)`);
      return group.forEach((a) => a.reject(failure));
    }
    outcomes.forEach((o, i) => {
      const a = group[i]!;
      if ('ok' in o) a.resolve(o.ok);
      else a.reject(toLogError(o.error, `append to "${a.stream}"`));
    });
    notifier.notify();
  };

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
      if (closed) throw new LogClosedError();
      const prepared = prepareAppend(stream, events, maxEventBytes);
      return new Promise<AppendResult>((resolve, reject) => {
        if (pending.length === 0) setImmediate(flush);
        pending.push({ stream, prepared, expected: expectedRevision, resolve, reject });
      });
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

    endPosition: async () => guard('read $all', () => lastPosition.get()?.p ?? 0),

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
      flush(); // appends already accepted are written, not dropped
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
