import type Database from 'better-sqlite3';
import type { EntityPartition } from '../entityPartition';
import type { EventFilter } from '../eventLog';
import { EVENT_COLUMNS as COLUMNS, type EventRow } from './eventRow';

type Rows<Args extends unknown[]> = Database.Statement<Args, EventRow>;

export interface FilterQueries {
  /** Rows with after < position <= upTo that match the filter, in order, at most `limit`. */
  range(filter: EventFilter | undefined): {
    all(after: number, upTo: number, limit: number, ...filterArgs: string[]): EventRow[];
  };
  /** Args: stream, first revision, limit (-1 for none). */
  streamForwards: Rows<[string, number, number]>;
  /** Args: stream, last revision, limit (-1 for none). */
  streamBackwards: Rows<[string, number, number]>;
}

/** Prepared statements for stream reads and for filtered ranges of the global order. */
export const createFilterQueries = (db: Database.Database): FilterQueries => {
  const cache = new Map<string, Database.Statement<unknown[], EventRow>>();
  // The partition of the statement running now: SQLite calls back into JavaScript for each row
  // the other conditions let through, so rows of other parts are never decoded or parsed.
  let partition: EntityPartition | undefined;
  db.function('driftless_partition', { deterministic: false, directOnly: true }, (stream, on) =>
    partition!.accepts(stream as string, on as string | null) ? 1 : 0,
  );

  /** Rows with after < position <= upTo matching the filter; args: after, upTo, limit, ...filter. */
  const range = (filter: EventFilter | undefined): Database.Statement<unknown[], EventRow> => {
    const prefixes = filter?.streamPrefixes?.length ?? 0;
    const types = filter?.eventTypes?.length ?? 0;
    const partitioned = filter?.partition !== undefined;
    const key = `${prefixes}:${types}:${partitioned}`;
    let statement = cache.get(key);
    if (statement === undefined) {
      // Stream names use only characters below "~", so [p, p + "~") is exactly "starts with p".
      const byPrefix = Array.from({ length: prefixes }, () => '(stream >= ? AND stream < ?)').join(
        ' OR ',
      );
      const byType =
        types === 0 ? '' : `type IN (${Array.from({ length: types }, () => '?').join(', ')})`;
      const byPart = partitioned
        ? `driftless_partition(stream, CASE WHEN type = 'BranchOpened' THEN json_extract(data, '$.entity.type') || '/' || json_extract(data, '$.entity.id') END)`
        : '';
      const where = [byPrefix && `(${byPrefix})`, byType, byPart]
        .filter(Boolean)
        .map((c) => ` AND ${c}`)
        .join('');
      statement = db
        .prepare<unknown[], EventRow>(
          `SELECT ${COLUMNS} FROM events WHERE position > ? AND position <= ?${where} ORDER BY position LIMIT ?`,
        )
        .raw();
      cache.set(key, statement);
    }
    return statement;
  };

  return {
    range: (filter: EventFilter | undefined) => {
      const statement = range(filter);
      // LIMIT comes last in the SQL but third in the call: reorder once here.
      return {
        all: (after: number, upTo: number, limit: number, ...filterArgs: string[]) => {
          partition = filter?.partition;
          try {
            return statement.all(after, upTo, ...filterArgs, limit);
          } finally {
            partition = undefined;
          }
        },
      };
    },
    streamForwards: db
      .prepare<[string, number, number], EventRow>(
        `SELECT ${COLUMNS} FROM events WHERE stream = ? AND revision >= ? ORDER BY revision LIMIT ?`,
      )
      .raw(),
    streamBackwards: db
      .prepare<[string, number, number], EventRow>(
        `SELECT ${COLUMNS} FROM events WHERE stream = ? AND revision <= ? ORDER BY revision DESC LIMIT ?`,
      )
      .raw(),
  };
};
