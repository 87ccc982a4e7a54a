import { entityPartition, type PartOf } from '../events/entityPartition';
import { StreamNotFoundError, ValidationError } from '../events/errors';
import type { EventLog, RecordedEvent } from '../events/eventLog';
import type { EntityRef } from '../events/schemas/common';
import type { StreamNames } from '../events/streams';
import { unknownEntity } from './entityHistory';

/** A point in the log: a position, or a time (compared with each event's `recordedAt`). */
export type LogPoint = { position: number } | { time: string };

/** Whether an event lies past a point of the log (never, without one). */
export const pastPoint = (point: LogPoint | undefined): ((event: RecordedEvent) => boolean) => {
  if (point === undefined) return () => false;
  if ('position' in point) return (event) => event.position > point.position;
  const time = Date.parse(point.time);
  return (event) => Date.parse(event.metadata.recordedAt) > time;
};

/**
 * Every branch and entity event, in log order, a page at a time: only one page is held, so a
 * replay of the whole log needs no more memory than its live state. With `part`, only the
 * events of that part of the entities.
 */
export async function* wholeLog(
  log: EventLog,
  streams: StreamNames,
  pageSize: number,
  part?: PartOf,
): AsyncGenerator<RecordedEvent[]> {
  const filter = {
    streamPrefixes: [streams.branchPrefix, streams.entityPrefix],
    ...(part === undefined ? {} : { partition: entityPartition(part, streams) }),
  };
  for (let from = 0; ;) {
    const page = await log.readAll({
      fromPosition: from === 0 ? 'start' : from,
      limit: pageSize,
      filter,
    });
    if (page.length === 0) return;
    // Taken before yielding: replay empties each page as it applies it.
    from = page.at(-1)!.position + 1;
    yield page;
  }
}

/** A stream's events; none for a stream that does not exist. Any other failure is thrown. */
export const readOrNothing = (log: EventLog, stream: string): Promise<RecordedEvent[]> =>
  log.readStream(stream).catch((error: unknown) => {
    if (error instanceof StreamNotFoundError) return [];
    throw error;
  });

/**
 * One entity's history: its own stream and the streams of every branch settled on it, merged
 * in log order (open branches never became a version, so they change no head). Only events
 * before `before` when given.
 */
export async function* entityEvents(
  log: EventLog,
  streams: StreamNames,
  entity: EntityRef,
  before = Infinity,
): AsyncGenerator<RecordedEvent[]> {
  const own = await readOrNothing(log, streams.entity(entity));
  if (own.length === 0) throw unknownEntity(entity, 'an entity with events in the log');
  const branchIds = new Set<string>();
  for (const e of own)
    if (e.type === 'VersionPromoted') e.data.branchIds.forEach((b) => branchIds.add(b));
    else if ('branchId' in e.data) branchIds.add(e.data.branchId);
  const branchEvents = await Promise.all(
    [...branchIds].map((b) => readOrNothing(log, streams.branch(b))),
  );
  yield [...own, ...branchEvents.flat()]
    .filter((e) => e.position < before)
    .sort((a, b) => a.position - b.position);
}

/**
 * Checks a point given as `name` against the log: a position must be one the log has reached.
 * @throws ValidationError for a position past the end of the log
 */
export const checkLogPoint = async (
  log: EventLog,
  point: LogPoint | undefined,
  name = 'until',
): Promise<void> => {
  if (point === undefined || !('position' in point)) return;
  const [atOrAfter] = await log.readAll({ fromPosition: point.position, limit: 1 });
  if (atOrAfter === undefined)
    throw new ValidationError(
      [
        {
          path: `/${name}`,
          expected: 'a position the log has reached',
          received: String(point.position),
          message: 'past the end of the log',
        },
      ],
      `bad --${name}`,
    );
};

/** `--until` / `--since` text: a log position (a whole number) or an ISO 8601 time. */
export const parseLogPoint = (text: string, name = 'until'): LogPoint => {
  if (/^\d+$/.test(text)) return { position: Number(text) };
  const time = Date.parse(text);
  if (/^\d{4}-\d{2}-\d{2}/.test(text) && !Number.isNaN(time))
    return { time: new Date(time).toISOString() };
  throw new ValidationError(
    [
      {
        path: `/${name}`,
        expected: 'a log position (e.g. 1200) or an ISO time (e.g. 2026-01-31T12:00:00Z)',
        received: text,
        message: 'not a position or a time',
      },
    ],
    `bad --${name}`,
  );
};
