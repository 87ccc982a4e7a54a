import type { RecordedEvent } from '../eventLog';

/** The columns every event read selects, in the order of `EventRow`. */
export const EVENT_COLUMNS = 'position, stream, revision, type, data, metadata';

/**
 * A row as `EVENT_COLUMNS` selects it, read in raw (array) mode: better-sqlite3 then builds
 * no object per row, which was about half the cost of reading a page of events.
 */
export type EventRow = [
  position: number,
  stream: string,
  revision: number,
  type: string,
  data: string,
  metadata: string,
];

/** Rows were validated when written; reading trusts them and only parses. */
export const toRecorded = (row: EventRow): RecordedEvent =>
  ({
    type: row[3],
    data: JSON.parse(row[4]) as unknown,
    metadata: JSON.parse(row[5]) as unknown,
    stream: row[1],
    revision: row[2],
    position: row[0],
  }) as RecordedEvent;
