import { cpus } from 'node:os';
import type { SynchronousMode } from '../src/events/sqlite/openDatabase';
import type { BenchArgs } from './args';

export interface PipelineResult {
  /** `log`: projections and topic in the log's file (the default); `separate`: their own. */
  stateFile: 'log' | 'separate';
  /** The log's `synchronous` (writers and promoter): FULL unless `--synchronous` said otherwise. */
  synchronous: SynchronousMode;
  /** Committed branches settled per second at full load (after the first 100k events). */
  branchesPerSec: number;
  /** Log events per second at full load: branches' own plus the promoter's. */
  eventsPerSec: number;
  /** Bare better-sqlite3 INSERTs of the same events, 100 per transaction. */
  rawCeilingEventsPerSec: number;
  halfLoadBranchesPerSec: number;
  /** Commit acknowledged to the writer → snapshot in the embedded topic, at half load. */
  p50LatencyMs: number;
  p99LatencyMs: number;
  latencySamples: number;
  rssMbAfter100k: number;
  rssMbAfterAll: number;
  /** RSS without mapped file pages (Linux `RssAnon`), null elsewhere. */
  anonMbAfter100k: number | null;
  anonMbAfterAll: number | null;
  /** RSS, and RSS without mapped pages, at each tenth of the full-load run. */
  rssMbSamples: number[];
  anonMbSamples: (number | null)[];
  /**
   * Share of the full-load time the main thread (promoter, projections, publisher) ran on a
   * CPU, and waited for one while runnable (other processes), on Linux; null elsewhere.
   */
  mainThreadOnCpu: number | null;
  mainThreadWaitingForCpu: number | null;
  /**
   * Shares of the full-load time the log file's write lock was held by, and waited for by, the
   * service (promoter's appends; in one file also projections and topic) and the writers.
   */
  logWriteLock: {
    heldByService: number;
    waitedByService: number;
    heldByWriters: number;
    waitedByWriters: number;
  };
  eventsAtEnd: number;
  totals: { committed: number; settled: number; published: number; events: number };
}

const BRANCHES_TARGET = 5000;
const P99_TARGET_MS = 50;

const int = (n: number) => Math.round(n).toLocaleString('en-US');
const ms = (n: number) => Math.round(n * 10) / 10;
const share = (n: number | null) => (n === null ? null : Math.round(n * 100) / 100);
const percent = (n: number | null) => (n === null ? 'n/a' : `${Math.round(n * 100)}%`);

export const printPipelineReport = (args: BenchArgs, r: PipelineResult): void => {
  const machine = { cpus: cpus().length, node: process.version };
  if (args.json) {
    console.log(
      JSON.stringify({
        branchesPerSec: Math.round(r.branchesPerSec),
        eventsPerSec: Math.round(r.eventsPerSec),
        rawCeilingEventsPerSec: Math.round(r.rawCeilingEventsPerSec),
        eventsVsCeiling: Math.round((r.eventsPerSec / r.rawCeilingEventsPerSec) * 1000) / 1000,
        halfLoadBranchesPerSec: Math.round(r.halfLoadBranchesPerSec),
        p50LatencyMs: ms(r.p50LatencyMs),
        p99LatencyMs: ms(r.p99LatencyMs),
        latencySamples: r.latencySamples,
        rssMbAfter100k: r.rssMbAfter100k,
        rssMbAfter1M: r.rssMbAfterAll,
        anonMbAfter100k: r.anonMbAfter100k,
        anonMbAfter1M: r.anonMbAfterAll,
        rssMbSamples: r.rssMbSamples,
        anonMbSamples: r.anonMbSamples,
        mainThreadOnCpu: share(r.mainThreadOnCpu),
        mainThreadWaitingForCpu: share(r.mainThreadWaitingForCpu),
        branchesPerMainThreadCpuSec:
          r.mainThreadOnCpu === null ? null : Math.round(r.branchesPerSec / r.mainThreadOnCpu),
        logWriteLock: {
          heldByService: share(r.logWriteLock.heldByService),
          waitedByService: share(r.logWriteLock.waitedByService),
          heldByWriters: share(r.logWriteLock.heldByWriters),
          waitedByWriters: share(r.logWriteLock.waitedByWriters),
        },
        events: r.eventsAtEnd,
        totals: r.totals,
        stateFile: r.stateFile,
        synchronous: r.synchronous,
        command: args.command,
        machine,
      }),
    );
    return;
  }
  const verdict = (ok: boolean) => (ok ? 'PASS' : 'FAIL');
  console.log(
    [
      `Pipeline benchmark: SQLite log → promoter → embedded topic (${r.stateFile === 'log' ? 'one file' : 'projections and topic in a state file of their own'}, log synchronous=${r.synchronous})`,
      `command: ${args.command}`,
      `machine: ${machine.cpus} x ${cpus()[0]?.model ?? 'unknown CPU'}, node ${machine.node}`,
      '',
      `full load       ${int(r.branchesPerSec)} committed branches/s, ${int(r.eventsPerSec)} events/s`,
      `main thread     on a CPU ${percent(r.mainThreadOnCpu)} of the time, waiting for one ${percent(r.mainThreadWaitingForCpu)}${r.mainThreadOnCpu === null ? '' : `: ${int(r.branchesPerSec / r.mainThreadOnCpu)} branches per CPU second of it`}`,
      `log write lock  held ${percent(r.logWriteLock.heldByService + r.logWriteLock.heldByWriters)} of the time (service ${percent(r.logWriteLock.heldByService)}, writers ${percent(r.logWriteLock.heldByWriters)}); waiting for it: service ${percent(r.logWriteLock.waitedByService)}, writers ${percent(r.logWriteLock.waitedByWriters)}`,
      `raw INSERT      ${int(r.rawCeilingEventsPerSec)} events/s (same events, 100 per transaction)`,
      `half load       ${int(r.halfLoadBranchesPerSec)} branches/s: commit → published p50 ${ms(r.p50LatencyMs)} ms, p99 ${ms(r.p99LatencyMs)} ms (${r.latencySamples} samples)`,
      `RSS             ${r.rssMbAfter100k} MB after 100k events, ${r.rssMbAfterAll} MB after ${int(r.eventsAtEnd)} (without mapped file pages: ${r.anonMbAfter100k} MB, ${r.anonMbAfterAll} MB)`,
      `RSS by tenth    ${r.rssMbSamples.join(', ')} MB (without mapped pages: ${r.anonMbSamples.join(', ')} MB)`,
      `totals          ${int(r.totals.committed)} committed, ${int(r.totals.settled)} settled, ${int(r.totals.published)} published`,
      '',
      `${verdict(r.branchesPerSec >= BRANCHES_TARGET)}  >= 5,000 committed branches/s (${int(r.branchesPerSec)})`,
      `${verdict(r.p99LatencyMs <= P99_TARGET_MS)}  p99 commit → published <= 50 ms at half load (${ms(r.p99LatencyMs)} ms)`,
    ].join('\n'),
  );
};
