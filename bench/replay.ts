import { execFileSync, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { verify } from '../src/audit/verify';
import { createSqliteEventLog } from '../src/events/sqlite/sqliteEventLog';
import { UsageError, type BenchArgs } from './args';
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

/** CPU seconds of the child processes waited for so far (utime + stime of `/proc/self/stat`). */
const childCpuSeconds = (): number => {
  const fields = readFileSync('/proc/self/stat', 'utf8').split(') ')[1]!.split(' ');
  // After "pid (comm) ": state is field 0, cutime 13, cstime 14.
  return (Number(fields[13]) + Number(fields[14])) / 100;
};

/**
 * `driftless verify --jobs N`, the compiled CLI in a process of its own, as a user runs it on
 * the same log: N parts in N processes. Wall and CPU seconds of the whole command.
 */
const verifyInParts = (path: string, jobs: number) => {
  const cli = join(__dirname, '..', 'src', 'cli', 'main.js');
  const cpuBefore = childCpuSeconds();
  const start = performance.now();
  const run = spawnSync(process.execPath, [cli, 'verify', '--jobs', String(jobs), '--json'], {
    encoding: 'utf8',
    env: {
      ...process.env,
      DRIFTLESS_LOG: `sqlite:${path}`,
      DRIFTLESS_ENTITIES: join(__dirname, 'replayData.js'),
    },
    maxBuffer: 2 ** 26,
  });
  const seconds = (performance.now() - start) / 1000;
  if (run.status !== 0) throw new Error(`verify --jobs ${jobs} failed: ${run.stderr}`);
  const result = JSON.parse(run.stdout) as { verified: boolean; summary: { events: number } };
  if (!result.verified) throw new Error(`verify --jobs ${jobs} found a mismatch`);
  return {
    jobs,
    events: result.summary.events,
    seconds,
    cpuSeconds: childCpuSeconds() - cpuBefore,
  };
};

/** A full garbage collection, so heap samples show what replay holds, not what it dropped. */
const collectGarbage = (): (() => void) => {
  setFlagsFromString('--expose-gc');
  return runInNewContext('gc') as () => void;
};

/**
 * `npm run bench -- replay`: replay plus verify of a SQLite log of `--events` events (default
 * 1M): every version rebuilt from its branch's events and its hash compared with the record;
 * in this process (with heap samples), then as `driftless verify --jobs N` (N: `--jobs`, by
 * default one per core).
 */
export const run = async (args: BenchArgs): Promise<void> => {
  const jobs = args.own.jobs === undefined ? cpus().length : Number(args.own.jobs);
  if (!Number.isInteger(jobs) || jobs < 1)
    throw new UsageError(`--jobs expects a whole number of 1 or more, got "${args.own.jobs}"`);
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
    progress(`verify --jobs ${jobs}: ${jobs} processes, one part of the entities each`);
    const inParts = verifyInParts(path, jobs);
    if (inParts.events !== summary.events)
      throw new Error(`verify --jobs replayed ${inParts.events} events, not ${summary.events}`);
    return {
      inParts,
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
