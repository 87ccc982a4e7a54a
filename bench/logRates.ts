import type { EventLog } from '../src/events/eventLog';
import { makeBatch, makeBatches } from './data';
import type { EventLogResult, PerBatchSize } from './eventlogReport';
import { measureRate, progress, seconds } from './measure';

const SIZES = [1, 10, 100] as const;
const RATE = { budgetMs: 2500, minBatches: 50 };
const PAGE = 1000;

/**
 * EventLog.append of whole branches, each to a new stream, so every append is checked. One
 * append at a time: the rate is bound by each append's round trip. Closes the log.
 */
export const appendRates = async (log: EventLog, label = ''): Promise<PerBatchSize> => {
  try {
    const rates: PerBatchSize = { '1': 0, '10': 0, '100': 0 };
    for (const size of SIZES) {
      progress(`append: ${size} event(s) per append...`);
      rates[size] = await measureRate(
        size,
        (first, count) => makeBatches(`bench-branch${label}-s${size}`, first, count, size),
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

export type BigLogResult = Pick<EventLogResult, 'fillSeconds' | 'readPerSec' | 'subscribePerSec'>;

/**
 * Fills a log with `n` events, then pages through them with readAll and with subscribe. The
 * log may hold other events first (a server's own): reads count only the filled stream's.
 * Closes the log.
 */
export const bigLogRates = async (log: EventLog, n: number, label = ''): Promise<BigLogResult> => {
  const stream = `bench-fill${label}`;
  const mine = { streamPrefixes: [`${stream}-`] };
  try {
    const fillSeconds = await seconds(() => fill(log, n, stream));
    progress(`readAll: ${n} events in pages of ${PAGE}...`);
    const readSeconds = await seconds(async () => {
      let fromPosition: number | 'start' = 'start';
      let count = 0;
      for (;;) {
        const page = await log.readAll({ fromPosition, limit: PAGE, filter: mine });
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
      for await (const _event of log.subscribe({ filter: mine })) if (++count >= n) break;
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
const fill = async (log: EventLog, n: number, stream: string): Promise<void> => {
  const step = Math.max(1, Math.ceil(n / 10));
  let done = 0;
  for (let i = 0; done < n; i += 1) {
    const batch = makeBatch(stream, i, Math.min(100, n - done));
    await log.append(batch.stream, batch.events, { expectedRevision: 'no_stream' });
    const before = done;
    done += batch.events.length;
    if (Math.floor(done / step) > Math.floor(before / step) || done === n)
      progress(`fill: ${done.toLocaleString('en-US')} / ${n.toLocaleString('en-US')} events`);
  }
};
