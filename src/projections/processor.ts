import type { RecordedEvent, EventLog } from '../events/eventLog';
import { parseEvent } from '../events/parseEvent';
import { EventRejected, type Projection } from './projection';
import type { ProjectionStore } from './projectionStore';

export interface ProcessorOptions {
  log: EventLog;
  store: ProjectionStore;
  projections: readonly Projection[];
  /** Name of the durable checkpoint. @defaultValue 'projections' */
  name?: string;
  /** Events applied per transaction. @defaultValue 1000 */
  batchSize?: number;
  /** Called after each committed batch with the new checkpoint. */
  onProgress?: (position: number) => void;
  /** Called for each event recorded in `rejected_events`, once its batch committed. */
  onRejected?: (rejection: Rejection) => void;
}

/** An event the projections refused, and why. */
export interface Rejection {
  position: number;
  stream: string;
  type: string;
  reason: string;
}

export interface Processor {
  /**
   * Applies every event already in the log; resolves with how many were applied. With a
   * signal, stops after the batch during which it aborted (the checkpoint keeps the place).
   */
  catchUp(signal?: AbortSignal): Promise<number>;
  /** Catches up, then follows live appends until `signal` aborts. */
  run(signal?: AbortSignal): Promise<void>;
  /** The last position applied (0 before the first event). */
  position(): number;
}

/** An event read from the log, and why it fails its schema (undefined: it is applied as read). */
interface Checked {
  raw: RecordedEvent;
  invalid: string | undefined;
}

/** Driver errors are I/O, not a bad event: they abort the batch, to be retried. */
const isDriverError = (error: unknown) =>
  typeof (error as { code?: unknown } | null)?.code === 'string' &&
  /^SQLITE_/.test((error as { code: string }).code);

/**
 * Reads the log in order from a durable checkpoint and feeds the projections. Each batch of
 * events and the checkpoint after it commit in one SQLite transaction, so after a crash the
 * processor neither skips nor repeats an effect. An event that fails its schema, or that a
 * projection rejects, is recorded in `rejected_events` with its reason; the rest go on.
 */
export const createProcessor = (options: ProcessorOptions): Processor => {
  const { log, store, projections, name = 'projections', batchSize = 1000, onProgress } = options;
  const insertRejection = store.statement(
    'INSERT OR REPLACE INTO rejected_events (position, stream, type, reason) VALUES (?, ?, ?, ?)',
  );
  // Told once their batch committed: a batch that fails and is applied again tells nothing twice.
  let rejected: Rejection[] = [];
  const reject = (r: Rejection) => {
    insertRejection.run(r.position, r.stream, r.type, r.reason);
    rejected.push(r);
  };
  const save = store.statement(
    'INSERT INTO projection_checkpoints (name, position) VALUES (?, ?) ON CONFLICT (name) DO UPDATE SET position = excluded.position',
  );
  const applyAll = (event: RecordedEvent) => {
    for (const p of projections) p.apply(event, store);
  };
  // Each event in its own savepoint, so a rejected one leaves no partial effect.
  const applyOne = store.db.transaction(applyAll);
  const rejectRaw = (raw: RecordedEvent, reason: string) =>
    reject({ position: raw.position, stream: raw.stream, type: String(raw.type), reason });
  const applyGuarded = (raw: RecordedEvent) => {
    try {
      applyOne(raw);
    } catch (error) {
      if (isDriverError(error)) throw error;
      const reason =
        error instanceof EventRejected ? error.message : `projection failed: ${String(error)}`;
      rejectRaw(raw, reason);
    }
  };
  // Another process sharing the store may have applied some of these since they were read: the
  // checkpoint, read inside the write transaction, says which.
  const batchOf = (apply: (raw: RecordedEvent) => void) =>
    store.immediate((events: readonly Checked[]) => {
      const applied = store.checkpoint(name);
      for (const { raw, invalid } of events) {
        if (raw.position <= applied) continue;
        if (invalid === undefined) apply(raw);
        else rejectRaw(raw, invalid);
      }
      const last = events.at(-1)!.raw.position;
      if (last > applied) save.run(name, last);
    });
  // Savepoints cost time on every event and are needed only when one is rejected: a batch is
  // applied without them first, and again with them (from scratch) when any event throws.
  const fastBatch = batchOf(applyAll);
  const guardedBatch = batchOf(applyGuarded);
  const commit = (page: readonly RecordedEvent[]) => {
    if (page.length === 0) return;
    // Checked before the write transaction: on a shared file, its lock is held for less.
    const events = page.map((raw): Checked => {
      const parsed = parseEvent({ type: raw.type, data: raw.data, metadata: raw.metadata });
      return { raw, invalid: parsed._tag === 'Left' ? parsed.left.message : undefined };
    });
    rejected = [];
    try {
      fastBatch(events);
    } catch (error) {
      rejected = [];
      if (isDriverError(error)) throw error;
      guardedBatch(events);
    }
    for (const r of rejected) options.onRejected?.(r);
    onProgress?.(page.at(-1)!.position);
  };

  const catchUp = async (signal?: AbortSignal) => {
    let applied = 0;
    for (;;) {
      const page = await log.readAll({
        fromPosition: store.checkpoint(name) + 1,
        limit: batchSize,
      });
      commit(page);
      applied += page.length;
      if (page.length < batchSize) return applied;
      // A turn of the event loop between batches, so a long catch-up hears a stop (SIGINT).
      await new Promise((resolve) => setImmediate(resolve));
      if (signal?.aborted === true) return applied;
    }
  };

  const run = async (signal?: AbortSignal) => {
    await catchUp();
    let buffer: RecordedEvent[] = [];
    let failure: Error | undefined;
    let scheduled = false;
    const stop = new AbortController();
    signal?.addEventListener('abort', () => stop.abort(), { once: true });
    const flush = () => {
      scheduled = false;
      const events = buffer;
      buffer = [];
      try {
        commit(events);
      } catch (error) {
        failure ??= error instanceof Error ? error : new Error(String(error));
        stop.abort();
      }
    };
    for await (const event of log.subscribe({
      fromCheckpoint: store.checkpoint(name),
      signal: stop.signal,
    })) {
      buffer.push(event);
      // Flush when the batch is full, or once the subscription has nothing more right now.
      if (buffer.length >= batchSize) flush();
      else if (!scheduled) {
        scheduled = true;
        setImmediate(flush);
      }
    }
    flush();
    if (failure !== undefined) throw failure;
  };

  return { catchUp, run, position: () => store.checkpoint(name) };
};
