import { join } from 'node:path';
import type { EventLog } from '../src/events/eventLog';
import { openDatabase } from '../src/events/sqlite/openDatabase';
import { createSqliteEventLog } from '../src/events/sqlite/sqliteEventLog';
import type { BenchArgs } from './args';
import { makeBatch, makeBatches, toRows, type Row } from './data';
import { printReport, type EventLogResult, type PerBatchSize } from './eventlogReport';
import { measureRate, progress, seconds, withTempDir } from './measure';

const SIZES = [1, 10, 100] as const;
const RATE = { budgetMs: 2500, minBatches: 50 };
const PAGE = 1000;

/** `npm run bench -- eventlog`: append, raw-INSERT ceiling, readAll and subscribe on SQLite. */
export const run = async (args: BenchArgs): Promise<void> => {
  const result = await withTempDir(async (dir) => {
    const appendPerSec = await appendRates(join(dir, 'append.db'));
    const rawCeilingPerSec = await rawRates(join(dir, 'raw.db'));
    const big = await bigLogRates(join(dir, 'big.db'), args.events);
    return { appendPerSec, rawCeilingPerSec, ...big };
  });
  printReport(args, result);
};

/** EventLog.append of whole branches, each to a new stream, so every append is checked. */
const appendRates = async (path: string): Promise<PerBatchSize> => {
  const log = createSqliteEventLog({ path });
  try {
    const rates: PerBatchSize = { '1': 0, '10': 0, '100': 0 };
    for (const size of SIZES) {
      progress(`append: ${size} event(s) per append...`);
      rates[size] = await measureRate(
        size,
        (first, count) => makeBatches(`bench-branch-s${size}`, first, count, size),
        async (batches) => {
          for (const { stream, events } of batches)
            await log.append(stream, events, { expectedRevision: 'no_stream' });
        },
        RATE,
      );
    }
    return rates;
  } finally {
    await log.close();
  }
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

type BigLogResult = Pick<EventLogResult, 'fillSeconds' | 'readPerSec' | 'subscribePerSec'>;

/** Fills a log with `n` events, then pages through it with readAll and with subscribe. */
const bigLogRates = async (path: string, n: number): Promise<BigLogResult> => {
  const log = createSqliteEventLog({ path });
  try {
    const fillSeconds = await seconds(() => fill(log, n));
    progress(`readAll: ${n} events in pages of ${PAGE}...`);
    const readSeconds = await seconds(async () => {
      let fromPosition: number | 'start' = 'start';
      let count = 0;
      for (;;) {
        const page = await log.readAll({ fromPosition, limit: PAGE });
        const last = page.at(-1);
        if (last === undefined) break;
        count += page.length;
        fromPosition = last.position + 1;
      }
      if (count !== n) throw new Error(`readAll returned ${count} events, expected ${n}`);
    });
    progress(`subscribe: ${n} events...`);
    const subscribeSeconds = await seconds(async () => {
      let count = 0;
      for await (const _event of log.subscribe()) if (++count >= n) break;
    });
    return {
      fillSeconds,
      readPerSec: n / readSeconds,
      subscribePerSec: n / subscribeSeconds,
    };
  } finally {
    await log.close();
  }
};

/** Appends `n` events, 100 per append, reporting progress every ~10%. */
const fill = async (log: EventLog, n: number): Promise<void> => {
  const step = Math.max(1, Math.ceil(n / 10));
  let done = 0;
  for (let i = 0; done < n; i += 1) {
    const { stream, events } = makeBatch('bench-fill', i, Math.min(100, n - done));
    await log.append(stream, events, { expectedRevision: 'no_stream' });
    const before = done;
    done += events.length;
    if (Math.floor(done / step) > Math.floor(before / step) || done === n)
      progress(`fill: ${done.toLocaleString('en-US')} / ${n.toLocaleString('en-US')} events`);
  }
};
