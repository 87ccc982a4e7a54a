import { Worker } from 'node:worker_threads';

/** Pages the WAL may hold before a connection that commits copies them back itself. */
export const INLINE_CHECKPOINT_PAGES = 10_000;

/**
 * `wal_autocheckpoint` for a connection: checkpoints inline after a commit (the default), or
 * never, when a background checkpointer does them.
 */
export const walAutocheckpoint = (inline: boolean): string =>
  `wal_autocheckpoint = ${inline ? INLINE_CHECKPOINT_PAGES : 0}`;

export interface BackgroundCheckpoints {
  /** Stops the thread after its current checkpoint. */
  stop(): Promise<void>;
}

// Plain JavaScript, so the thread runs the same under ts-jest, tsx and compiled code.
const THREAD = `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.driver);
const db = new Database(workerData.path);
const checkpoint = db.prepare('PRAGMA wal_checkpoint(PASSIVE)');
const timer = setInterval(() => {
  try {
    checkpoint.get();
  } catch (error) {
    // Busy: another connection is checkpointing; the next tick tries again.
    if (!/^SQLITE_BUSY/.test(String(error && error.code))) parentPort.postMessage(String(error));
  }
}, workerData.intervalMs);
parentPort.once('message', () => {
  clearInterval(timer);
  db.close();
  parentPort.close();
});
`;

/**
 * Copies the WAL of a SQLite file back into it from a thread of its own, every `intervalMs`,
 * with `PRAGMA wal_checkpoint(PASSIVE)` (which never blocks readers or writers). Connections
 * opened with inline checkpoints off then never stall a commit for a checkpoint: at the
 * default of one per 10,000 pages, that is tens of milliseconds, now and then, on whichever
 * commit crossed the mark. Failures other than "busy" go to `onError`.
 */
export const startBackgroundCheckpoints = (options: {
  path: string;
  /** Longer: fewer copies of pages that keep changing; shorter: a smaller WAL. @defaultValue 500 */
  intervalMs?: number;
  onError?: (message: string) => void;
}): BackgroundCheckpoints => {
  const worker = new Worker(THREAD, {
    eval: true,
    workerData: {
      path: options.path,
      intervalMs: options.intervalMs ?? 500,
      driver: require.resolve('better-sqlite3'),
    },
  });
  worker.on('message', (message: string) => options.onError?.(message));
  worker.on('error', (error) => options.onError?.(String(error)));
  worker.unref(); // a forgotten stop() must not keep the process alive
  const exited = new Promise<void>((resolve) => worker.once('exit', () => resolve()));
  return {
    stop: async () => {
      worker.ref();
      worker.postMessage('stop');
      await exited;
    },
  };
};
