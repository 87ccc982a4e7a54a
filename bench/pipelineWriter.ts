// Worker thread of the pipeline benchmark: the branch writers. They run on their own SQLite
// connection, as writers in other processes would, and send each committed branch's id and
// commit time to the main thread, which runs the promoter and the embedded topic.
import Database from 'better-sqlite3';
import { performance } from 'node:perf_hooks';
import { parentPort, workerData } from 'node:worker_threads';
import { createIdGenerator } from '../src/events/ids';
import { streamNames } from '../src/events/streams';
import type { SynchronousMode } from '../src/events/sqlite/openDatabase';
import { createSqliteEventLog } from '../src/events/sqlite/sqliteEventLog';
import { writeLockTimes } from '../src/events/sqlite/writeLock';
import { branchEvents } from './pipelineDomain';

export interface WriterData {
  path: string;
  /** The file of the projections, where the writers read heads. */
  statePath: string;
  synchronous: SynchronousMode;
  entities: number;
  /** Most branches written but not yet settled by the promoter. */
  maxInFlight: number;
  /** Branches per append round. */
  batch: number;
}

/** Main thread to writer: a new pace (branches/s, or null for as fast as allowed), or stop. */
export type WriterCommand = { rate: number | null } | { settled: number } | { stop: true };
export interface WriterReport {
  committed: [branchId: string, atMs: number][];
  /** This thread's time waiting for and holding the log file's write lock so far, s. */
  lock: { waitSeconds: number; heldSeconds: number };
}

const { path, statePath, synchronous, entities, maxInFlight, batch } = workerData as WriterData;
const log = createSqliteEventLog({ path, synchronous });
const db = new Database(statePath);
const headOf = db.prepare<[string], { version_id: string }>(
  "SELECT version_id FROM heads WHERE entity_type = 'account' AND entity_id = ?",
);
const streams = streamNames();
const ids = createIdGenerator();
let seed = 12345;
const random = () => (seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 2 ** 32;

let rate: number | null = null;
let paceFrom = performance.now();
let pacedWritten = 0;
let written = 0;
let settled = 0;
let stopped = false;
parentPort!.on('message', (m: WriterCommand) => {
  if ('stop' in m) stopped = true;
  else if ('settled' in m) settled = m.settled;
  else {
    rate = m.rate;
    paceFrom = performance.now();
    pacedWritten = 0;
  }
});

const due = () => {
  const room = maxInFlight - (written - settled);
  if (rate === null) return Math.min(batch, room);
  const paced = Math.floor((rate * (performance.now() - paceFrom)) / 1000) - pacedWritten;
  return Math.min(batch, room, paced);
};

const main = async () => {
  while (!stopped) {
    const n = due();
    if (n <= 0) {
      await new Promise((r) => setTimeout(r, 1));
      continue;
    }
    const branches = Array.from({ length: n }, () => {
      const entityId = `A-${Math.floor(random() * entities)}`;
      return branchEvents(ids, entityId, headOf.get(entityId)?.version_id ?? null, random);
    });
    // One append per branch, all in one event-loop turn: the log commits them together.
    await Promise.all(
      branches.map((b) =>
        log.append(streams.branch(b.branchId), b.events, { expectedRevision: 'no_stream' }),
      ),
    );
    const at = performance.timeOrigin + performance.now();
    written += n;
    pacedWritten += n;
    const { waitSeconds, heldSeconds } = writeLockTimes(path);
    const report: WriterReport = {
      committed: branches.map((b) => [b.branchId, at]),
      lock: { waitSeconds, heldSeconds },
    };
    parentPort!.postMessage(report);
  }
  db.close();
  await log.close();
  parentPort!.close(); // its listener would keep the thread alive
};
void main();
