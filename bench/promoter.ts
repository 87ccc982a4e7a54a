import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { createIdGenerator } from '../src/events/ids';
import { createSqliteEventLog } from '../src/events/sqlite/sqliteEventLog';
import { streamNames } from '../src/events/streams';
import { createRegistry } from '../src/projections/defineEntity';
import { openProjectionStore } from '../src/projections/projectionStore';
import { createPromoter } from '../src/promoter/promoter';
import { createEmbeddedTopic } from '../src/publishers/embedded/embeddedTopic';
import { createPublisher } from '../src/publishers/publisher';
import { UsageError, type BenchArgs } from './args';
import { progress, withTempDir } from './measure';
import { account, branchEvents } from './pipelineDomain';

const ENTITIES = 20_000;
const CHUNK = 2_000;

/** Bytes this process handed to write(2) so far (Linux), else 0: WAL and checkpoint traffic. */
const writtenBytes = (): number => {
  try {
    return Number(/wchar: (\d+)/.exec(readFileSync('/proc/self/io', 'utf8'))?.[1] ?? 0);
  } catch {
    return 0;
  }
};

const cpuMs = () => {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1000;
};

/**
 * `npm run bench -- promoter`: the promoter's and publisher's own cost per branch, on one
 * thread with nothing else running. Untimed: branches are appended in chunks of 2,000 (the
 * pipeline benchmark's workload, opened from the head the writer read). Timed, in CPU time
 * (`process.cpuUsage`, less disturbed by other processes than wall time): the promoter's
 * round and the publisher's catch-up that settle and publish each chunk. `--state memory`
 * keeps projections and topic in an in-memory SQLite database instead of the log's file: what
 * the file (WAL, page reads, emptied caches) costs, apart from statements and JavaScript.
 */
export const run = async (args: BenchArgs): Promise<void> => {
  const state = args.own.state ?? 'file';
  if (state !== 'file' && state !== 'memory')
    throw new UsageError(`--state must be file or memory, got "${state}"`);
  const branches = Math.max(CHUNK, Math.floor(args.events / 3 / CHUNK) * CHUNK);
  const result = await withTempDir(async (dir) => {
    const path = join(dir, 'promoter.sqlite');
    const log = createSqliteEventLog({ path });
    const store = openProjectionStore(state === 'memory' ? ':memory:' : path);
    const topic = createEmbeddedTopic(state === 'memory' ? { connection: store.db } : { path });
    const promoter = createPromoter({ log, store, registry: createRegistry([account]) });
    const publisher = createPublisher({ log, sink: topic, store });
    const streams = streamNames();
    const ids = createIdGenerator();
    let seed = 12345;
    const random = () => (seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 2 ** 32;
    const timed = { cpu: 0, wall: 0, promoteCpu: 0, branches: 0, settled: 0, bytes: 0 };
    // Warm-up: every entity gets its first version, so timed branches meet existing heads.
    const warmUp = ENTITIES / CHUNK;
    for (let i = 0; i < warmUp + branches / CHUNK; i++) {
      const chunk = Array.from({ length: CHUNK }, (_, j) => {
        const n = i < warmUp ? i * CHUNK + j : Math.floor(random() * ENTITIES);
        const entityId = `A-${n}`;
        const head = store.head({ type: 'account', id: entityId });
        return branchEvents(ids, entityId, head?.versionId ?? null, random);
      });
      await Promise.all(
        chunk.map((b) =>
          log.append(streams.branch(b.branchId), b.events, { expectedRevision: 'no_stream' }),
        ),
      );
      const cpu0 = cpuMs();
      const wall0 = performance.now();
      const bytes0 = writtenBytes();
      const round = await promoter.runOnce();
      const cpu1 = cpuMs();
      await publisher.catchUp();
      if (i >= warmUp) {
        timed.cpu += cpuMs() - cpu0;
        timed.bytes += writtenBytes() - bytes0;
        timed.promoteCpu += cpu1 - cpu0;
        timed.wall += performance.now() - wall0;
        timed.branches += CHUNK;
        timed.settled += round.promoted + round.quarantined;
      }
      if (i % 10 === 0) progress(`promoter: ${(i + 1) * CHUNK} branches`);
    }
    await topic.close();
    store.close();
    await log.close();
    return timed;
  });
  const perBranch = (ms: number) => Math.round((ms / result.branches) * 1000) / 1000;
  const report = {
    branches: result.branches,
    settled: result.settled,
    cpuMsPerBranch: perBranch(result.cpu),
    promoterCpuMsPerBranch: perBranch(result.promoteCpu),
    publisherCpuMsPerBranch: perBranch(result.cpu - result.promoteCpu),
    wallMsPerBranch: perBranch(result.wall),
    branchesPerCpuSec: Math.round((result.branches / result.cpu) * 1000),
    writtenKbPerBranch: Math.round((result.bytes / result.branches / 1024) * 10) / 10,
    state,
    command: args.command,
  };
  if (args.json) console.log(JSON.stringify(report));
  else
    console.log(
      [
        `Promoter benchmark: promoter round + publisher catch-up per chunk of 2,000 branches (projections and topic ${state === 'memory' ? 'in an in-memory SQLite database' : "in the log's file"})`,
        `command: ${args.command}`,
        `branches timed  ${report.branches} (${report.settled} settled)`,
        `CPU per branch  ${report.cpuMsPerBranch} ms (promoter ${report.promoterCpuMsPerBranch} ms, publisher ${report.publisherCpuMsPerBranch} ms)`,
        `wall per branch ${report.wallMsPerBranch} ms`,
        `branches per CPU second ${report.branchesPerCpuSec}`,
        `written per branch ${report.writtenKbPerBranch} KB (WAL and checkpoints)`,
      ].join('\n'),
    );
};
