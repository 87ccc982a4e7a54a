import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { Worker } from 'node:worker_threads';
import { startBackgroundCheckpoints } from '../src/events/sqlite/backgroundCheckpoints';
import { openDatabase } from '../src/events/sqlite/openDatabase';
import { createSqliteEventLog } from '../src/events/sqlite/sqliteEventLog';
import { writeLockTimes } from '../src/events/sqlite/writeLock';
import { createRegistry } from '../src/projections/defineEntity';
import { openProjectionStore } from '../src/projections/projectionStore';
import { createPromoter } from '../src/promoter/promoter';
import { createEmbeddedTopic } from '../src/publishers/embedded/embeddedTopic';
import { createPublisher } from '../src/publishers/publisher';
import type { SnapshotSink } from '../src/publishers/snapshotSink';
import { runService } from '../src/service/runService';
import { parseSynchronous, UsageError, type BenchArgs } from './args';
import { progress, withTempDir } from './measure';
import { account } from './pipelineDomain';
import { printPipelineReport, type PipelineResult } from './pipelineReport';
import type { WriterCommand, WriterData, WriterReport } from './pipelineWriter';

const ENTITIES = 20_000;
const HALF_LOAD_SECONDS = 10;
const RSS_EARLY = 100_000;

const mb = () => Math.round(process.memoryUsage().rss / 2 ** 20);
/**
 * Resident memory that is the process's own (heaps, SQLite page caches), without the pages of
 * the database file it has mapped (mmap), which the kernel counts in RSS but may drop at will.
 */
const anonMb = (): number | null => {
  try {
    const kb = /RssAnon:\s+(\d+) kB/.exec(readFileSync('/proc/self/status', 'utf8'))?.[1];
    return kb === undefined ? null : Math.round(Number(kb) / 1024);
  } catch {
    return null; // not Linux
  }
};
/**
 * Seconds this thread has run on a CPU and waited, runnable, for one (Linux schedstat), so a
 * run on a shared machine can tell its own cost from the other processes' share of the CPUs.
 */
const schedSeconds = (): { run: number; wait: number } | null => {
  try {
    const [run, wait] = readFileSync('/proc/thread-self/schedstat', 'utf8').split(' ').map(Number);
    return { run: run! / 1e9, wait: wait! / 1e9 };
  } catch {
    return null;
  }
};
const memory = () => ({ rssMb: mb(), anonMb: anonMb(), sched: schedSeconds() });
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const nowMs = () => performance.timeOrigin + performance.now();
const quantile = (sorted: number[], q: number) =>
  sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? NaN;

/**
 * `npm run bench -- pipeline`: branch writers in a worker thread append whole branches to the
 * SQLite log; the main thread runs the service (promoter and publisher into the embedded topic
 * in the same file) as `driftless serve` does; the log is `synchronous=FULL` unless
 * `--synchronous` says otherwise. First at full load until the log holds `--events` events,
 * then at half that rate for latency, then raw INSERTs of the same events.
 */
export const run = async (args: BenchArgs): Promise<void> => {
  if (args.events <= RSS_EARLY)
    throw new UsageError(`pipeline measures from ${RSS_EARLY} events on: --events must be larger`);
  const stateFlag = args.own.state ?? 'log';
  if (stateFlag !== 'log' && stateFlag !== 'separate')
    throw new UsageError(`--state must be log or separate, got "${stateFlag}"`);
  const separateState = stateFlag === 'separate';
  // The log's durability, for writers and promoter alike (projections and topic stay NORMAL).
  const synchronous = parseSynchronous(args.own.synchronous, 'FULL');
  const result = await withTempDir(async (dir) => {
    const path = join(dir, 'pipeline.sqlite');
    const statePath = separateState ? join(dir, 'pipeline-state.sqlite') : path;
    // As `driftless serve`: checkpoints in a thread of their own, never inside a commit; with a
    // state file of its own, the topic on the projections' connection.
    const checkpoints = [...new Set([path, statePath])].map((p) =>
      startBackgroundCheckpoints({ path: p }),
    );
    const log = createSqliteEventLog({
      path,
      synchronous,
      pollIntervalMs: 1,
      inlineCheckpoints: false,
    });
    const store = openProjectionStore(statePath, { inlineCheckpoints: false });
    const topic = createEmbeddedTopic(
      separateState ? { connection: store.db } : { path, inlineCheckpoints: false },
    );
    const committedAt = new Map<string, number>();
    let latencies: number[] = [];
    const sink: SnapshotSink = {
      publish: async (snapshots) => {
        await topic.publish(snapshots);
        const at = nowMs();
        for (const s of snapshots)
          for (const b of s.branchIds) {
            const t = committedAt.get(b);
            if (t !== undefined) latencies.push(at - t);
            committedAt.delete(b);
          }
      },
      close: () => topic.close(),
    };
    const promoter = createPromoter({ log, store, registry: createRegistry([account]) });
    const publisher = createPublisher({ log, sink, store });
    const data: WriterData = {
      path,
      statePath,
      synchronous,
      entities: ENTITIES,
      maxInFlight: 4000,
      batch: 100,
    };
    const writer = new Worker(join(__dirname, 'pipelineWriter.js'), { workerData: data });
    const tell = (command: WriterCommand) => writer.postMessage(command);
    let committed = 0;
    let writersLock: WriterReport['lock'] = { waitSeconds: 0, heldSeconds: 0 };
    writer.on('message', (m: WriterReport) => {
      for (const [b, at] of m.committed) committedAt.set(b, at);
      committed += m.committed.length;
      writersLock = m.lock;
    });
    // The log file's write lock, as the service (this thread) and the writers waited and held it.
    const serviceLock = writeLockTimes(path);
    const lockTimes = () => ({
      service: { wait: serviceLock.waitSeconds, held: serviceLock.heldSeconds },
      writers: { wait: writersLock.waitSeconds, held: writersLock.heldSeconds },
    });
    let settled = 0;
    let published = 0;
    const stop = new AbortController();
    const service = runService({
      log,
      promoter,
      publish: publisher.catchUp,
      signal: stop.signal,
      idleMs: 100,
      onRound: (round, out) => {
        settled += round.promoted + round.quarantined;
        published += out;
        tell({ settled });
      },
    });

    // Full load: the writers go as fast as the promoter lets them (at most 4,000 in flight).
    const events = () => promoter.position();
    type Mark = {
      at: number;
      events: number;
      settled: number;
      lock: ReturnType<typeof lockTimes>;
    } & ReturnType<typeof memory>;
    let early: Mark | undefined;
    let reported = 0;
    // At each tenth of the log: whether memory levels off as history grows.
    const tenths: { rssMb: number; anonMb: number | null }[] = [];
    while (events() < args.events) {
      await sleep(50);
      if (early === undefined && events() >= RSS_EARLY)
        early = {
          at: performance.now(),
          events: events(),
          settled,
          lock: lockTimes(),
          ...memory(),
        };
      if (events() - reported >= args.events / 10) {
        reported = events();
        tenths.push({ rssMb: mb(), anonMb: anonMb() });
        progress(
          `full load: ${reported.toLocaleString('en-US')} events, ${settled} branches settled, RSS ${mb()} MB (anonymous ${anonMb()} MB)`,
        );
      }
    }
    const end: Mark = {
      at: performance.now(),
      events: events(),
      settled,
      lock: lockTimes(),
      ...memory(),
    };
    const seconds = (end.at - early!.at) / 1000;
    const branchesPerSec = (end.settled - early!.settled) / seconds;
    const onCpu = end.sched && early!.sched ? (end.sched.run - early!.sched.run) / seconds : null;
    const waitingForCpu =
      end.sched && early!.sched ? (end.sched.wait - early!.sched.wait) / seconds : null;
    const eventsPerSec = (end.events - early!.events) / seconds;
    const lockShare = (who: 'service' | 'writers', what: 'wait' | 'held') =>
      (end.lock[who][what] - early!.lock[who][what]) / seconds;
    const logWriteLock = {
      heldByService: lockShare('service', 'held'),
      waitedByService: lockShare('service', 'wait'),
      heldByWriters: lockShare('writers', 'held'),
      waitedByWriters: lockShare('writers', 'wait'),
    };

    // Half load, for latency: paced writers, one second of warm-up, then measured.
    progress(
      `half load: ${Math.round(branchesPerSec / 2)} branches/s for ${HALF_LOAD_SECONDS} s...`,
    );
    tell({ rate: branchesPerSec / 2 });
    // Warm-up: the full-load backlog drains, then one more second at the new pace.
    const drainBy = performance.now() + 30_000;
    while (committed - settled > branchesPerSec / 20 && performance.now() < drainBy)
      await sleep(10);
    await sleep(1000);
    latencies = [];
    const halfFrom = { at: performance.now(), settled };
    await sleep(HALF_LOAD_SECONDS * 1000);
    const halfLoadBranchesPerSec =
      (settled - halfFrom.settled) / ((performance.now() - halfFrom.at) / 1000);
    const sorted = [...latencies].sort((a, b) => a - b);
    tell({ stop: true });
    await new Promise((r) => writer.once('exit', r));
    stop.abort();
    await service;
    const totals = { committed, settled, published, events: events() };
    await topic.close();
    store.close();
    await log.close();
    for (const c of checkpoints) await c.stop();

    progress('raw INSERT ceiling: the same events, 100 per transaction...');
    const rawCeilingEventsPerSec = rawInsertRate(path, join(dir, 'raw.sqlite'), 200_000);
    return {
      branchesPerSec,
      eventsPerSec,
      rawCeilingEventsPerSec,
      halfLoadBranchesPerSec,
      p50LatencyMs: quantile(sorted, 0.5),
      p99LatencyMs: quantile(sorted, 0.99),
      latencySamples: sorted.length,
      rssMbAfter100k: early!.rssMb,
      rssMbAfterAll: end.rssMb,
      anonMbAfter100k: early!.anonMb,
      anonMbAfterAll: end.anonMb,
      rssMbSamples: tenths.map((t) => t.rssMb),
      anonMbSamples: tenths.map((t) => t.anonMb),
      mainThreadOnCpu: onCpu,
      mainThreadWaitingForCpu: waitingForCpu,
      logWriteLock,
      eventsAtEnd: end.events,
      totals,
      stateFile: stateFlag,
      synchronous,
    } satisfies PipelineResult;
  });
  printPipelineReport(args, result);
};

interface StoredRow {
  stream: string;
  revision: number;
  event_id: string;
  type: string;
  data: string;
  metadata: string;
}

/** Events/s of bare INSERTs of the pipeline's own first `n` events, 100 per transaction. */
const rawInsertRate = (from: string, to: string, n: number): number => {
  const source = openDatabase(from);
  const rows = source
    .prepare(
      'SELECT stream, revision, event_id, type, data, metadata FROM events ORDER BY position LIMIT ?',
    )
    .all(n) as StoredRow[];
  source.close();
  const db = openDatabase(to);
  const insert = db.prepare(
    'INSERT INTO events (stream, revision, event_id, type, data, metadata) VALUES (?, ?, ?, ?, ?, ?)',
  );
  const write = db.transaction((batch: StoredRow[]) => {
    for (const r of batch) insert.run(r.stream, r.revision, r.event_id, r.type, r.data, r.metadata);
  });
  const start = performance.now();
  for (let i = 0; i < rows.length; i += 100) write.immediate(rows.slice(i, i + 100));
  const rate = rows.length / ((performance.now() - start) / 1000);
  db.close();
  return rate;
};
