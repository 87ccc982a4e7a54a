import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { openDatabase } from '../../src/events/sqlite/openDatabase';
import { createSqliteEventLog } from '../../src/events/sqlite/sqliteEventLog';
import { createMemoryEventLog } from '../../src/events/memory/memoryEventLog';
import { z } from 'zod';
import { createRegistry, defineEntity } from '../../src/projections/defineEntity';
import type { Rejection } from '../../src/projections/processor';
import { createPromoter } from '../../src/promoter/promoter';
import { openProjectionStore } from '../../src/projections/projectionStore';
import { TSX } from '../support/childProcess';
import { tempDir } from '../support/tempDir';
import { createWorld, type World } from '../support/world';

const invoice = defineEntity({ type: 'invoice', schema: z.object({}).loose() });
const INV = (n: number) => ({ type: 'invoice', id: `INV-${n}` });

/** `n` branches: open, two mutations, commit; every third also promoted. */
const fill = async (w: World, n: number) => {
  for (let i = 0; i < n; i++) {
    const b = await w.open(INV(i % 5), null);
    await w.mutate(b, [{ op: 'set', path: '/n', value: i }]);
    await w.mutate(b, [{ op: 'set', path: '/m', value: i }]);
    await w.commit(b);
    if (i % 3 === 0) await w.promote(INV(i % 5), { n: i }, { branchIds: [b] });
  }
};

const snapshot = (w: World) => ({
  branches: w.store.db.prepare('SELECT * FROM branches ORDER BY branch_id').all(),
  versions: w.store.db
    .prepare('SELECT version_id, ordinal, changed FROM versions ORDER BY version_id')
    .all(),
  heads: w.store.db.prepare('SELECT * FROM heads ORDER BY entity_id').all(),
});

describe('ordered processor', () => {
  it('resumes from its checkpoint after a restart, with the same state as one run', async () => {
    const log = createMemoryEventLog();
    const path = tempDir().file('projections.sqlite');
    const first = createWorld([invoice], log, openProjectionStore(path));
    await fill(first, 20);
    await first.process();
    const position = first.processor.position();
    first.store.close();
    const second = createWorld([invoice], log, openProjectionStore(path));
    expect(second.processor.position()).toBe(position);
    await fill(second, 20);
    expect(await second.process()).toBe((await log.readAll({ fromPosition: position + 1 })).length);
    const oneRun = createWorld([invoice], log);
    await oneRun.process();
    expect(snapshot(second)).toEqual(snapshot(oneRun));
  });

  it('records a poison event with its reason and carries on', async () => {
    const path = tempDir().file('log.sqlite');
    const log = createSqliteEventLog({ path });
    const w = createWorld([invoice], log, openProjectionStore(path));
    const before = await w.open(INV(1), null);
    // Another writer (another language, an old version) put garbage in the log.
    openDatabase(path)
      .prepare(
        "INSERT INTO events (stream, revision, event_id, type, data, metadata) VALUES ('x-branch-1', 0, 'e1', 'MutationRecorded', '{\"seq\":\"one\"}', '{}')",
      )
      .run();
    const after = await w.open(INV(2), null);
    await w.process();
    const rejected = w.store.db.prepare('SELECT * FROM rejected_events').all() as {
      position: number;
      reason: string;
    }[];
    expect(rejected).toHaveLength(1);
    expect(rejected[0]!.reason).toMatch(/data\/seq|branchId/);
    expect(w.store.branch(before)).toBeDefined();
    expect(w.store.branch(after)).toBeDefined();
    expect(w.processor.position()).toBe(3);
    await log.close();
  });

  it('rejects an event a projection cannot accept, undoing only that event', async () => {
    const w = createWorld([invoice]);
    const v = await w.promote(INV(1), { a: 1 });
    await w.mutate(await w.open(INV(1), v), [{ op: 'set', path: '/a', value: 2 }]);
    // A mutation of a branch that was never opened.
    await w.log.append(
      'test-branch-orphan',
      [(await import('../support/events')).mutated('01ARZ3NDEKTSV4RRFFQ69G5FAV', 1)],
      { expectedRevision: 'any' },
    );
    await w.process();
    const rejected = w.store.db.prepare('SELECT reason FROM rejected_events').all();
    expect(rejected).toEqual([
      { reason: 'MutationRecorded for unknown branch 01ARZ3NDEKTSV4RRFFQ69G5FAV' },
    ]);
    expect(w.store.head(INV(1))?.versionId).toBe(v);
  });

  it('tells each rejected event once, after its batch committed, even when the batch was applied again', async () => {
    const path = tempDir().file('log.sqlite');
    const log = createSqliteEventLog({ path });
    // In one batch: a garbage payload (refused by its schema) and then a mutation of a branch
    // never opened (refused by a projection, which makes the batch go again, event by event).
    openDatabase(path)
      .prepare(
        "INSERT INTO events (stream, revision, event_id, type, data, metadata) VALUES ('x-branch-1', 0, 'e1', 'MutationRecorded', '{\"seq\":\"one\"}', '{}')",
      )
      .run();
    await log.append(
      'test-branch-orphan',
      [(await import('../support/events')).mutated('01ARZ3NDEKTSV4RRFFQ69G5FAV', 1)],
      { expectedRevision: 'any' },
    );
    const told: Rejection[] = [];
    const promoter = createPromoter({
      log,
      store: openProjectionStore(path),
      registry: createRegistry([invoice]),
      onRejected: (r) => told.push(r),
    });
    await promoter.catchUp();
    expect(told).toEqual([
      { position: 1, stream: 'x-branch-1', type: 'MutationRecorded', reason: expect.any(String) },
      {
        position: 2,
        stream: 'test-branch-orphan',
        type: 'MutationRecorded',
        reason: 'MutationRecorded for unknown branch 01ARZ3NDEKTSV4RRFFQ69G5FAV',
      },
    ]);
    await log.close();
  });

  it('follows live appends after catching up, until stopped', async () => {
    const w = createWorld([invoice]);
    await fill(w, 3);
    const stop = new AbortController();
    const running = w.processor.run(stop.signal);
    const b = await w.open(INV(9), null);
    const end = (await w.log.readAll()).at(-1)!.position;
    while (w.processor.position() < end) await new Promise((r) => setTimeout(r, 5));
    expect(w.store.branch(b)?.status).toBe('open');
    stop.abort();
    await running;
  });

  it('neither skips nor repeats an effect across kill -9 at random points', async () => {
    const path = tempDir().file('crash.sqlite');
    const log = createSqliteEventLog({ path });
    const w = createWorld([invoice], log, openProjectionStore(':memory:'));
    await fill(w, 600);
    const events = await log.readAll({ limit: 100_000 });
    const end = events.at(-1)!.position;
    await log.close();
    const MIN_KILLS = 5;
    let kills = 0;
    for (let attempt = 0; attempt < 200; attempt++) {
      // The first kills come within 15 ms, so a fast machine cannot finish before them; then
      // the window grows with each attempt, so a slow one is not killed more than it has time.
      const window = kills < MIN_KILLS ? 10 : 30 * (1 + (attempt - MIN_KILLS) / 5);
      const finished = await runOrKill(path, 5 + Math.floor(Math.random() * window));
      if (finished) break;
      kills++;
    }
    expect(kills).toBeGreaterThanOrEqual(MIN_KILLS);
    const db = openDatabase(path);
    const effects = db.prepare('SELECT count, position_sum FROM effects').get() as {
      count: number;
      position_sum: number;
    };
    expect(effects.count).toBe(events.length);
    expect(effects.position_sum).toBe(events.reduce((s, e) => s + e.position, 0));
    expect(
      db.prepare("SELECT position FROM projection_checkpoints WHERE name = 'projections'").get(),
    ).toEqual({ position: end });
    // The same projections as a single uninterrupted run.
    const reference = createWorld([invoice], createSqliteEventLog({ path }));
    await reference.process();
    const crashed = db
      .prepare('SELECT branch_id, status, mutation_count FROM branches ORDER BY branch_id')
      .all();
    expect(crashed).toEqual(
      reference.store.db
        .prepare('SELECT branch_id, status, mutation_count FROM branches ORDER BY branch_id')
        .all(),
    );
    db.close();
    await reference.log.close();
  }, 120_000);
});

/** Runs the worker; kills it with SIGKILL `ms` after it is ready, unless it finishes first. */
const runOrKill = (path: string, ms: number): Promise<boolean> =>
  new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      [...TSX, join(__dirname, '../support/processorWorker.ts'), path],
      { stdio: ['ignore', 'pipe', 'ignore'] },
    );
    let timer: NodeJS.Timeout | undefined;
    child.stdout.once('data', () => (timer = setTimeout(() => child.kill('SIGKILL'), ms)));
    child.on('error', reject);
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      if (signal === 'SIGKILL') resolve(false);
      else if (code === 0) resolve(true);
      else reject(new Error(`worker exited ${String(code)}`));
    });
  });
