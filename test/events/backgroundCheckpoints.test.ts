import { statSync } from 'node:fs';
import { startBackgroundCheckpoints } from '../../src/events/sqlite/backgroundCheckpoints';
import { createSqliteEventLog } from '../../src/events/sqlite/sqliteEventLog';
import { branchEvents } from '../support/events';
import { tempDir } from '../support/tempDir';

const dir = tempDir('checkpoints');
afterAll(() => dir.remove());

/** A log with inline checkpoints off, holding `streams` x 50 events, all still in the WAL. */
const filledLog = async (path: string, streams: number) => {
  const log = createSqliteEventLog({ path, inlineCheckpoints: false });
  for (let s = 0; s < streams; s++)
    await log.append(`s-${s}`, branchEvents(50), { expectedRevision: 'no_stream' });
  return log;
};

const fileBytes = (path: string) => statSync(path).size;

const eventually = async (check: () => boolean, timeoutMs = 10_000) => {
  const until = Date.now() + timeoutMs;
  while (!check() && Date.now() < until) await new Promise((r) => setTimeout(r, 20));
  return check();
};

describe('background checkpoints', () => {
  it('leave the WAL alone when inline checkpoints are off and none run', async () => {
    const path = dir.file('none.sqlite');
    const log = await filledLog(path, 60);
    expect(fileBytes(`${path}-wal`)).toBeGreaterThan(40_000 * 4);
    expect(fileBytes(path)).toBeLessThan(64 * 1024); // the schema, nothing copied back
    await log.close();
  });

  it('copy the WAL back into the database file from their own thread', async () => {
    const path = dir.file('background.sqlite');
    const log = await filledLog(path, 60);
    expect(fileBytes(path)).toBeLessThan(64 * 1024);
    const checkpoints = startBackgroundCheckpoints({ path, intervalMs: 20 });
    // 3,000 events of a few hundred bytes each, now in the database file itself.
    expect(await eventually(() => fileBytes(path) > 512 * 1024)).toBe(true);
    await checkpoints.stop();
    const events = await log.readAll({ limit: 10_000 });
    expect(events).toHaveLength(60 * 50);
    await log.close();
  });

  it('report failures other than a busy file instead of dying silently', async () => {
    const errors: string[] = [];
    const checkpoints = startBackgroundCheckpoints({
      path: dir.file('missing/dir/x.sqlite'),
      intervalMs: 20,
      onError: (message) => errors.push(message),
    });
    expect(await eventually(() => errors.length > 0)).toBe(true);
    expect(errors[0]).toMatch(/directory does not exist|unable to open/);
    await checkpoints.stop();
  });
});
