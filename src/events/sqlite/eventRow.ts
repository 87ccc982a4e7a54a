import type { RecordedEvent } from '../eventLog';

export interface EventRow {
  position: number;
  stream: string;
  revision: number;
  type: string;
  data: string;
  metadata: string;
}

/** Rows were validated when written; reading trusts them and only parses. */
export const toRecorded = (row: EventRow): RecordedEvent =>
  ({
    type: row.type,
    data: JSON.parse(row.data) as unknown,
    metadata: JSON.parse(row.metadata) as unknown,
    stream: row.stream,
    revision: row.revision,
    position: row.position,
  }) as RecordedEvent;
