import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { verify } from '../src/audit/verify';
import { createSqliteEventLog } from '../src/events/sqlite/sqliteEventLog';
import type { BenchArgs } from './args';
import { progress, seconds, withTempDir } from './measure';
import { registry } from './replayData';
import { printReplayReport, type ReplayResult } from './replayReport';

const ENTITIES = 20_000;
const mb = (bytes: number) => Math.round(bytes / 2 ** 20);
/** CPU time of the whole process (every thread: GC helpers too), in seconds. */
const cpuSeconds = () => {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1e6;
};

/** A full garbage collection, so heap samples show what replay holds, not what it dropped. */
const collectGarbage = (): (() => void) => {
  setFlagsFromString('--expose-gc');
  return runInNewContext('gc') as () => void;
};

/**
 * `npm run bench -- replay`: replay plus verify of a SQLite log of `--events` events (default
 * 1M): every version rebuilt from its branch's events and its hash compared with the record.
 */
export const run = async (args: BenchArgs): Promise<void> => {
  const result = await withTempDir(async (dir): Promise<ReplayResult> => {
    const path = join(dir, 'replay.db');
    // In a child process: what the fill allocated must not count as replay's memory.
    const fillSeconds = await seconds(async () => {
      const fill = join(__dirname, 'replayFill.js');
      execFileSync(process.execPath, [fill, path, String(args.events), String(ENTITIES)], {
        stdio: ['ignore', 'ignore', 'inherit'],
      });
    });
    const gc = collectGarbage();
    gc();
    const log = createSqliteEventLog({ path });
    const heap: number[] = [];
    let rssPeak = 0;
    let nextSample = 0;
    let sampling = 0;
    let samplingCpu = 0;
    let outcome: Awaited<ReturnType<typeof verify>> | undefined;
    const verifyCpu = cpuSeconds();
    const verifySeconds = await seconds(async () => {
      outcome = await verify({
        log,
        registry,
        onProgress: (_position, events) => {
          if (events < nextSample) return;
          nextSample += Math.ceil(args.events / 10);
          const start = performance.now();
          const startCpu = cpuSeconds();
          rssPeak = Math.max(rssPeak, mb(process.memoryUsage().rss));
          gc();
          heap.push(mb(process.memoryUsage().heapUsed));
          sampling += (performance.now() - start) / 1000;
          samplingCpu += cpuSeconds() - startCpu;
          progress(`replay + verify: ${events.toLocaleString('en-US')} events`);
        },
      });
    });
    const cpu = cpuSeconds() - verifyCpu - samplingCpu;
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
      // The samples' full collections are not replay's own work.
      eventsPerSec: summary.events / (verifySeconds - sampling),
      verifySeconds: verifySeconds - sampling,
      cpuSeconds: cpu,
      fillSeconds,
      heapMbSamples: heap,
      rssMbPeak: rssPeak,
    };
  });
  printReplayReport(args, result);
};
