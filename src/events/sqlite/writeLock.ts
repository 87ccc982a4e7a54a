import type Database from 'better-sqlite3';
import { performance } from 'node:perf_hooks';

const sleeper = new Int32Array(new SharedArrayBuffer(4));
const FIRST_WAIT_MS = 0.05;
const LONGEST_WAIT_MS = 1;

const isBusy = (error: unknown) =>
  /^SQLITE_BUSY/.test(String((error as { code?: unknown } | null)?.code));

/**
 * `fn` as a `BEGIN IMMEDIATE` transaction that waits for another connection's write lock in
 * short steps (50 µs, doubling to 1 ms) instead of through SQLite's busy handler, which sleeps
 * 1, 2, 5, 10, 15... ms between tries: a lock released after 0.3 ms is taken about then, not
 * milliseconds later. Only the BEGIN runs without the connection's busy timeout (a refused
 * BEGIN has done nothing, so it is simply tried again); every statement inside has it back.
 * After `busyTimeoutMs` the driver's SQLITE_BUSY is thrown, as the busy handler would.
 */
export const immediately = <A extends unknown[], R>(
  db: Database.Database,
  fn: (...args: A) => R,
  busyTimeoutMs: number,
): ((...args: A) => R) => {
  const noWait = db.prepare('PRAGMA busy_timeout = 0');
  const restore = db.prepare(`PRAGMA busy_timeout = ${busyTimeoutMs}`);
  let began = false;
  const transaction = db.transaction((...args: A) => {
    began = true;
    restore.get();
    return fn(...args);
  });
  return (...args) => {
    if (db.inTransaction) return transaction(...args); // a savepoint: the lock is held
    const deadline = performance.now() + busyTimeoutMs;
    for (let wait = FIRST_WAIT_MS; ; wait = Math.min(wait * 2, LONGEST_WAIT_MS)) {
      began = false;
      noWait.get();
      try {
        return transaction.immediate(...args);
      } catch (error) {
        restore.get();
        if (began || !isBusy(error) || performance.now() > deadline) throw error;
      }
      Atomics.wait(sleeper, 0, 0, wait);
    }
  };
};
