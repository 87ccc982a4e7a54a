import { join } from 'node:path';
import { verify } from '../src/audit/verify';
import { createSqliteEventLog } from '../src/events/sqlite/sqliteEventLog';
import type { BenchArgs } from './args';
import { progress, seconds, withTempDir } from './measure';
import { fillReplayLog, registry } from './replayData';
import { printReplayReport, type ReplayResult } from './replayReport';

const ENTITIES = 20_000;
const mb = (bytes: number) => Math.round(bytes / 2 ** 20);

/**
 * `npm run bench -- replay`: replay plus verify of a SQLite log of `--events` events (default
 * 1M): every version rebuilt from its branch's events and its hash compared with the record.
 */
export const run = async (args: BenchArgs): Promise<void> => {
  const result = await withTempDir(async (dir): Promise<ReplayResult> => {
    const path = join(dir, 'replay.db');
    const fillSeconds = await seconds(async () => {
      fillReplayLog(path, args.events, ENTITIES);
    });
    global.gc?.();
    const log = createSqliteEventLog({ path });
    const heap: number[] = [];
    let rssPeak = 0;
    let nextSample = 0;
    let outcome: Awaited<ReturnType<typeof verify>> | undefined;
    const verifySeconds = await seconds(async () => {
      outcome = await verify({
        log,
        registry,
        onProgress: (_position, events) => {
          if (events < nextSample) return;
          nextSample += Math.ceil(args.events / 10);
          const memory = process.memoryUsage();
          heap.push(mb(memory.heapUsed));
          rssPeak = Math.max(rssPeak, mb(memory.rss));
          progress(`replay + verify: ${events.toLocaleString('en-US')} events`);
        },
      });
    });
    await log.close();
    if (outcome === undefined || !outcome.verified)
      throw new Error(
        `verify failed on a generated log: ${outcome?.verified === false ? outcome.mismatch.reason : 'no result'}`,
      );
    const { summary } = outcome;
    return {
      events: summary.events,
      versions: summary.versions,
      liveEntities: summary.heads.length,
      openBranches: summary.openBranches,
      eventsPerSec: summary.events / verifySeconds,
      verifySeconds,
      fillSeconds,
      heapMbSamples: heap,
      rssMbPeak: rssPeak,
    };
  });
  printReplayReport(args, result);
};
