import { resolve } from 'node:path';
import { Counter, Gauge, type Registry } from 'prom-client';
import { writeLockTimes, type WriteLockTimes } from '../events/sqlite/writeLock';
import type { OpenService } from './openService';

/** A counter that follows one field of each file's write-lock times (they only grow). */
const lockCounter = (
  registry: Registry,
  name: string,
  help: string,
  files: readonly string[],
  field: keyof WriteLockTimes,
) => {
  const reported = new Map<string, number>();
  new Counter({
    name,
    help,
    labelNames: ['file'],
    registers: [registry],
    collect() {
      for (const file of files) {
        const now = writeLockTimes(file)[field];
        this.inc({ file }, now - (reported.get(file) ?? 0));
        reported.set(file, now);
      }
    },
  });
};

/**
 * What a running service has in hand, read at each scrape: committed branches waiting for the
 * promoter, branches in quarantine, how far the projections are behind the log (positions
 * of the log's last event and of the last one applied: equal when caught up; on EventStoreDB
 * they are commit positions, so their difference is not an event count), and per SQLite file
 * how long the service waited for its write lock and held it.
 */
export const registerServiceGauges = (registry: Registry, service: OpenService): void => {
  const { store, log, promoter } = service;
  const count = (sql: string) => (store.statement(sql).get() as { n: number }).n;
  new Gauge({
    name: 'driftless_committed_branches',
    help: 'Committed branches waiting for the promoter',
    registers: [registry],
    collect() {
      this.set(count("SELECT count(*) AS n FROM branches WHERE status = 'committed'"));
    },
  });
  new Gauge({
    name: 'driftless_quarantined_branches',
    help: 'Branches in quarantine now (released or discarded ones leave it)',
    registers: [registry],
    collect() {
      this.set(count('SELECT count(*) AS n FROM quarantine'));
    },
  });
  new Gauge({
    name: 'driftless_log_end_position',
    help: "Position of the log's last event",
    registers: [registry],
    async collect() {
      this.set(await log.endPosition());
    },
  });
  // The SQLite files this process writes: the state file, and the log's when it is SQLite.
  const { state, log: logAt } = service.config;
  const files = [...new Set([state, ...(logAt.kind === 'sqlite' ? [resolve(logAt.path)] : [])])];
  lockCounter(
    registry,
    'driftless_sqlite_write_lock_wait_seconds_total',
    "Seconds this process waited for a SQLite file's write lock (held by other connections)",
    files,
    'waitSeconds',
  );
  lockCounter(
    registry,
    'driftless_sqlite_write_lock_held_seconds_total',
    "Seconds this process held a SQLite file's write lock",
    files,
    'heldSeconds',
  );
  new Gauge({
    name: 'driftless_projections_position',
    help: 'Position of the last event the projections applied',
    registers: [registry],
    collect() {
      this.set(promoter.position());
    },
  });
};
