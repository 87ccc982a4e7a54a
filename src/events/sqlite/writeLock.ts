import type Database from 'better-sqlite3';
import { resolve } from 'node:path';
import { performance } from 'node:perf_hooks';

const sleeper = new Int32Array(new SharedArrayBuffer(4));
const FIRST_WAIT_MS = 0.05;
const LONGEST_WAIT_MS = 1;

/** How long this thread's connections waited for one SQLite file's write lock, and held it. */
export interface WriteLockTimes {
  waitSeconds: number;
  heldSeconds: number;
}

const timesByFile = new Map<string, WriteLockTimes>();

/**
 * The write-lock times of the SQLite file at `path`, summed over this thread's connections
 * since it opened the first: a live object. Waiting that grows with load says other
 * connections (writers in other processes) hold the lock; see `driftless serve`'s metrics.
 */
export const writeLockTimes = (path: string): WriteLockTimes => {
  const key = path === ':memory:' || path === '' ? path : resolve(path);
  let times = timesByFile.get(key);
  if (times === undefined) timesByFile.set(key, (times = { waitSeconds: 0, heldSeconds: 0 }));
  return times;
};

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
  const times = writeLockTimes(db.name);
  const count = (asked: number, locked: number, ended: number) => {
    times.waitSeconds += (locked - asked) / 1000;
    times.heldSeconds += (ended - locked) / 1000;
  };
  let began = false;
  let beganAt = 0;
  const transaction = db.transaction((...args: A) => {
    began = true;
    beganAt = performance.now();
    restore.get();
    return fn(...args);
  });
  return (...args) => {
    if (db.inTransaction) return transaction(...args); // a savepoint: the lock is held
    const asked = performance.now();
    const deadline = asked + busyTimeoutMs;
    for (let wait = FIRST_WAIT_MS; ; wait = Math.min(wait * 2, LONGEST_WAIT_MS)) {
      began = false;
      noWait.get();
      try {
        const result = transaction.immediate(...args);
        count(asked, beganAt, performance.now());
        return result;
      } catch (error) {
        restore.get();
        const now = performance.now();
        if (began) {
          count(asked, beganAt, now);
          throw error;
        }
        if (!isBusy(error)) throw error;
        if (now > deadline) {
          times.waitSeconds += (now - asked) / 1000; // waited in vain
          throw error;
        }
      }
      Atomics.wait(sleeper, 0, 0, wait);
    }
  };
};
