import { openDatabase } from '../../src/events/sqlite/openDatabase';
import { createSqliteEventLog } from '../../src/events/sqlite/sqliteEventLog';
import { describeEventLogContract, take } from '../contracts/eventLog.contract';
import { runTs } from '../support/childProcess';
import { branchEvents, newId } from '../support/events';
import { tempDir } from '../support/tempDir';

const dir = tempDir('sqlite-log');
afterAll(() => dir.remove());

describeEventLogContract('sqlite', {
  create: async () => createSqliteEventLog({ path: dir.file(`${newId()}.sqlite`) }),
});

describe('SQLite event log file', () => {
  it('keeps everything across close and reopen', async () => {
    const path = dir.file('reopen.sqlite');
    const first = createSqliteEventLog({ path });
    await first.append('s-1', branchEvents(50), { expectedRevision: 'no_stream' });
    await first.close();
    const second = createSqliteEventLog({ path });
    const events = await second.readStream('s-1');
    expect(events.map((e) => e.revision)).toEqual([...Array(50).keys()]);
    await expect(
      second.append('s-1', branchEvents(1), { expectedRevision: 49 }),
    ).resolves.toMatchObject({ nextRevision: 50 });
    await second.close();
  });

  it('ends at 0 when empty, then at the last event appended by any process', async () => {
    const path = dir.file('end.sqlite');
    const log = createSqliteEventLog({ path });
    expect(await log.endPosition()).toBe(0);
    const other = createSqliteEventLog({ path });
    const { position } = await other.append('s-1', branchEvents(7), {
      expectedRevision: 'no_stream',
    });
    await other.close();
    expect([position, await log.endPosition()]).toEqual([7, 7]);
    await log.close();
  });

  it('opens in WAL mode with synchronous=FULL by default, and the configured level otherwise', () => {
    const full = openDatabase(dir.file('full.sqlite'));
    expect(full.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(full.pragma('synchronous', { simple: true })).toBe(2);
    full.close();
    const normal = openDatabase(dir.file('normal.sqlite'), { synchronous: 'NORMAL' });
    expect(normal.pragma('synchronous', { simple: true })).toBe(1);
    normal.close();
  });

  it('lets exactly one process win each revision when four processes race', async () => {
    const path = dir.file('race.sqlite');
    await createSqliteEventLog({ path }).close();
    const outputs = await Promise.all(
      [1, 2, 3, 4].map(() => runTs('appendWorker.ts', [path, 's-race', '25'])),
    );
    const won = outputs.flatMap((o) => JSON.parse(o) as number[]);
    expect(won).toHaveLength(100);
    expect([...won].sort((a, b) => a - b)).toEqual([...Array(100).keys()]);
    const log = createSqliteEventLog({ path });
    expect(await log.readStream('s-race')).toHaveLength(100);
    await log.close();
  }, 60_000);

  it('delivers appends made by another process to a live subscription', async () => {
    const path = dir.file('live.sqlite');
    const log = createSqliteEventLog({ path, pollIntervalMs: 20 });
    const received = take(log.subscribe(), 10);
    await runTs('appendWorker.ts', [path, 's-live', '10']);
    expect((await received).map((e) => e.revision)).toEqual([...Array(10).keys()]);
    await log.close();
  }, 30_000);

  it('ends live subscriptions on close and refuses later calls', async () => {
    const log = createSqliteEventLog({ path: dir.file('closed.sqlite') });
    const received = take(log.subscribe(), 5);
    await log.close();
    expect(await received).toEqual([]);
    await expect(log.readAll()).rejects.toMatchObject({ code: 'LOG_CLOSED' });
  });

  it('commits appends made in one turn together, each with its own outcome', async () => {
    const path = dir.file('group.sqlite');
    const log = createSqliteEventLog({ path });
    await log.append('taken', branchEvents(1), { expectedRevision: 'no_stream' });
    const results = await Promise.allSettled([
      log.append('g-1', branchEvents(2), { expectedRevision: 'no_stream' }),
      log.append('taken', branchEvents(1), { expectedRevision: 'no_stream' }),
      log.append('g-2', branchEvents(3), { expectedRevision: 'no_stream' }),
    ]);
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    expect(results[1]).toMatchObject({ reason: { code: 'VERSION_CONFLICT' } });
    // Positions follow call order: the failed append left no gap and no partial write.
    const all = await log.readAll();
    expect(all.map((e) => [e.stream, e.position])).toEqual([
      ['taken', 1],
      ['g-1', 2],
      ['g-1', 3],
      ['g-2', 4],
      ['g-2', 5],
      ['g-2', 6],
    ]);
    await log.close();
  });

  it('writes appends accepted before close', async () => {
    const path = dir.file('close-pending.sqlite');
    const log = createSqliteEventLog({ path });
    const pending = log.append('s-1', branchEvents(2), { expectedRevision: 'no_stream' });
    await log.close();
    await expect(pending).resolves.toMatchObject({ nextRevision: 1 });
    const reopened = createSqliteEventLog({ path });
    expect(await reopened.readStream('s-1')).toHaveLength(2);
    await reopened.close();
  });
});
