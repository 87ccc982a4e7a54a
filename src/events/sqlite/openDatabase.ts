import Database from 'better-sqlite3';
import { LogUnavailableError } from '../errors';
import { walAutocheckpoint } from './backgroundCheckpoints';

export const DEFAULT_BUSY_TIMEOUT_MS = 5000;

export type SynchronousMode = 'OFF' | 'NORMAL' | 'FULL' | 'EXTRA';

export interface OpenDatabaseOptions {
  /** @defaultValue 'FULL': an acknowledged append survives power loss. */
  synchronous?: SynchronousMode;
  /** How long a writer waits for another process's transaction. @defaultValue 5000 */
  busyTimeoutMs?: number;
  /**
   * Whether a commit that leaves the WAL over 10,000 pages copies it back itself; turn off
   * when `startBackgroundCheckpoints` runs for the file. @defaultValue true
   */
  inlineCheckpoints?: boolean;
}

const SCHEMA = `
CREATE TABLE IF NOT EXISTS events (
  position INTEGER PRIMARY KEY AUTOINCREMENT,
  stream   TEXT NOT NULL,
  revision INTEGER NOT NULL,
  event_id TEXT NOT NULL UNIQUE,
  type     TEXT NOT NULL,
  data     TEXT NOT NULL,
  metadata TEXT NOT NULL,
  UNIQUE (stream, revision)
);
CREATE INDEX IF NOT EXISTS events_type ON events (type, position);
`;

/** Opens (creating if needed) one SQLite file in WAL mode with the event table. */
export const openDatabase = (
  path: string,
  options: OpenDatabaseOptions = {},
): Database.Database => {
  try {
    const db = new Database(path);
    db.pragma('journal_mode = WAL');
    // Fewer, larger checkpoints: at the default (1,000 pages) they stall busy writers often.
    db.pragma(walAutocheckpoint(options.inlineCheckpoints ?? true));
    db.pragma(`synchronous = ${options.synchronous ?? 'FULL'}`);
    db.pragma(`busy_timeout = ${options.busyTimeoutMs ?? DEFAULT_BUSY_TIMEOUT_MS}`);
    db.exec(SCHEMA);
    return db;
  } catch (error) {
    throw toLogError(error, `cannot open SQLite log at ${path}`);
  }
};

const UNAVAILABLE = /^SQLITE_(BUSY|LOCKED|IOERR|FULL|CANTOPEN|PROTOCOL)/;

/** Driver errors that mean "try again later" become LogUnavailableError; others pass through. */
export const toLogError = (error: unknown, context: string): unknown => {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' && UNAVAILABLE.test(code)
    ? new LogUnavailableError(`${context}: ${code}`, error)
    : error;
};
