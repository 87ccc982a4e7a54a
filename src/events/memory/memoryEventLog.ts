import { createAppendNotifier } from '../appendNotifier';
import { LogClosedError, StreamNotFoundError } from '../errors';
import type { EventLog, ReadStreamOptions, RecordedEvent } from '../eventLog';
import {
  checkExpectedRevision,
  idempotentResult,
  matchesFilter,
  type StoredEventRef,
} from '../logRules';
import { DEFAULT_MAX_EVENT_BYTES, prepareAppend } from '../prepareAppend';
import { subscribeFrom } from '../subscription';
import { sliceStream } from '../readStreamSlice';

export interface MemoryEventLogOptions {
  /** @defaultValue 1 MiB */
  maxEventBytes?: number;
}

/** An EventLog in this process's memory, for unit tests of the core. Same contract as the rest. */
export const createMemoryEventLog = (options: MemoryEventLogOptions = {}): EventLog => {
  const all: RecordedEvent[] = [];
  const streams = new Map<string, RecordedEvent[]>();
  const byId = new Map<string, StoredEventRef>();
  const notifier = createAppendNotifier();
  let closed = false;
  const ensureOpen = () => {
    if (closed) throw new LogClosedError();
  };

  const log: EventLog = {
    append: async (stream, events, { expectedRevision }) => {
      ensureOpen();
      const prepared = prepareAppend(
        stream,
        events,
        options.maxEventBytes ?? DEFAULT_MAX_EVENT_BYTES,
      );
      const existing = streams.get(stream) ?? [];
      const current = existing.length === 0 ? undefined : existing.length - 1;
      const repeat = idempotentResult(
        stream,
        expectedRevision,
        prepared.map((p) => byId.get(p.eventId)),
        current,
      );
      if (repeat) return repeat;
      checkExpectedRevision(stream, expectedRevision, current);
      for (const p of prepared) {
        // Stored as the parsed canonical text, so callers cannot mutate the log through a reference.
        const recorded = {
          type: p.event.type,
          data: JSON.parse(p.data) as unknown,
          metadata: JSON.parse(p.metadata) as unknown,
          stream,
          revision: existing.length,
          position: all.length + 1,
        } as RecordedEvent;
        existing.push(recorded);
        all.push(recorded);
        byId.set(p.eventId, recorded);
      }
      streams.set(stream, existing);
      notifier.notify();
      const last = existing[existing.length - 1]!;
      return { nextRevision: last.revision, position: last.position };
    },

    readStream: async (stream, readOptions?: ReadStreamOptions) => {
      ensureOpen();
      const events = streams.get(stream);
      if (events === undefined) throw new StreamNotFoundError(stream);
      return sliceStream(events, readOptions);
    },

    readAll: async ({ fromPosition = 'start', limit = 1000, filter } = {}) => {
      ensureOpen();
      const start = fromPosition === 'start' ? 0 : Math.max(0, fromPosition - 1);
      const out: RecordedEvent[] = [];
      for (let i = start; i < all.length && out.length < limit; i++) {
        const e = all[i]!;
        if (matchesFilter(e.stream, e.type, e.data, filter)) out.push(e);
      }
      return out;
    },

    endPosition: async () => {
      ensureOpen();
      return all.length;
    },

    subscribe: (subscribeOptions) =>
      subscribeFrom(
        {
          lastPosition: async () => all.length,
          readRange: (after, upTo, limit, filter) =>
            log
              .readAll({ fromPosition: after + 1, limit, ...(filter && { filter }) })
              .then((page) => page.filter((e) => e.position <= upTo)),
          // Checked and registered in one synchronous step, so no append slips in between.
          waitForAppend: (after, signal) =>
            all.length > after ? Promise.resolve() : notifier.next(signal),
          isClosed: () => closed,
        },
        subscribeOptions,
      ),

    close: async () => {
      closed = true;
      notifier.notify();
    },
  };
  return log;
};
