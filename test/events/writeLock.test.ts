import Database from 'better-sqlite3';
import { Worker } from 'node:worker_threads';
import { immediately, writeLockTimes } from '../../src/events/sqlite/writeLock';
import { tempDir } from '../support/tempDir';

// Another connection, in a thread of its own, takes the file's write lock, says so, and keeps
// it for `holdMs` before committing.
const HOLDER = `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.driver);
const db = new Database(workerData.path);
db.exec('BEGIN IMMEDIATE');
parentPort.postMessage('held');
Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, workerData.holdMs);
db.exec('COMMIT');
db.close();
`;

/** Resolves once the other thread holds the lock, with when it will have let go. */
const holdLock = async (path: string, holdMs: number) => {
  const worker = new Worker(HOLDER, {
    eval: true,
    workerData: { path, holdMs, driver: require.resolve('better-sqlite3') },
  });
  const exited = new Promise((resolve) => worker.once('exit', resolve));
  await new Promise((resolve) => worker.once('message', resolve));
  return { released: exited };
};

const open = (path: string) => {
  const db = new Database(path);
  db.pragma('journal_mode = WAL');
  db.exec('CREATE TABLE IF NOT EXISTS t (x INTEGER)');
  return db;
};

const spin = (ms: number) => {
  const until = performance.now() + ms;
  while (performance.now() < until);
};

describe('write-lock times', () => {
  const dir = tempDir('write-lock');
  afterAll(() => dir.remove());

  it('adds up, per file, how long transactions held the lock and waited for another connection', async () => {
    const path = dir.file('times.sqlite');
    const db = open(path);
    const times = writeLockTimes(path);
    const insert = immediately(
      db,
      (ms: number) => {
        db.prepare('INSERT INTO t VALUES (1)').run();
        spin(ms);
      },
      5000,
    );
    insert(30);
    expect(times.heldSeconds).toBeGreaterThanOrEqual(0.03);
    const heldOnce = times.heldSeconds;

    const { released } = await holdLock(path, 300);
    insert(0); // waits for the other thread's commit
    await released;
    expect(times.heldSeconds).toBeGreaterThan(heldOnce);
    expect(times.waitSeconds).toBeGreaterThanOrEqual(0.1);
    // The same file by another spelling is the same entry; another file has its own.
    expect(writeLockTimes(`${dir.path}/./times.sqlite`)).toBe(times);
    expect(writeLockTimes(dir.file('other.sqlite'))).toEqual({ waitSeconds: 0, heldSeconds: 0 });
    db.close();
  });

  it('counts a wait that ended in SQLITE_BUSY, and no time held', async () => {
    const path = dir.file('busy.sqlite');
    const db = open(path);
    const times = writeLockTimes(path);
    const insert = immediately(db, () => db.prepare('INSERT INTO t VALUES (1)').run(), 60);
    const { released } = await holdLock(path, 1000);
    expect(() => insert()).toThrow(/busy|locked/i);
    await released;
    expect(times.waitSeconds).toBeGreaterThanOrEqual(0.06);
    expect(times.heldSeconds).toBe(0);
    db.close();
  });
});
