import { join } from 'node:path';
import { openDatabase } from '../src/events/sqlite/openDatabase';
import { createSqliteEventLog } from '../src/events/sqlite/sqliteEventLog';
import type { BenchArgs } from './args';
import { makeBatches, toRows, type Row } from './data';
import { printReport, type PerBatchSize } from './eventlogReport';
import { runOnEsdb } from './eventlogEsdb';
import { appendRates, bigLogRates } from './logRates';
import { measureRate, progress, withTempDir } from './measure';

const SIZES = [1, 10, 100] as const;
const RATE = { budgetMs: 2500, minBatches: 50 };

/**
 * `npm run bench -- eventlog`: append, raw-INSERT ceiling, readAll and subscribe on SQLite;
 * with `--log esdb`, append, readAll and subscribe through the EventStoreDB adapter.
 */
export const run = async (args: BenchArgs): Promise<void> => {
  if (args.log === 'esdb') return runOnEsdb(args);
  const result = await withTempDir(async (dir) => {
    const appendPerSec = await appendRates(createSqliteEventLog({ path: join(dir, 'append.db') }));
    const rawCeilingPerSec = await rawRates(join(dir, 'raw.db'));
    const big = await bigLogRates(createSqliteEventLog({ path: join(dir, 'big.db') }), args.events);
    return { appendPerSec, rawCeilingPerSec, ...big };
  });
  printReport(args, result);
};

/** The same rows through a bare prepared INSERT, one transaction per batch: the ceiling. */
const rawRates = async (path: string): Promise<PerBatchSize> => {
  const db = openDatabase(path);
  try {
    const insert = db.prepare(
      'INSERT INTO events (stream, revision, event_id, type, data, metadata) VALUES (?, ?, ?, ?, ?, ?)',
    );
    const write = db.transaction((rows: Row[]) => {
      for (const r of rows) insert.run(r.stream, r.revision, r.eventId, r.type, r.data, r.metadata);
    });
    const rates: PerBatchSize = { '1': 0, '10': 0, '100': 0 };
    for (const size of SIZES) {
      progress(`raw INSERT: ${size} row(s) per transaction...`);
      rates[size] = await measureRate(
        size,
        (first, count) => makeBatches(`bench-branch-s${size}`, first, count, size).map(toRows),
        (batches) => {
          for (const rows of batches) write.immediate(rows);
        },
        RATE,
      );
    }
    return rates;
  } finally {
    db.close();
  }
};
