import { spawn } from 'node:child_process';
import { copyFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { createRandom } from '../../src/demo/random';
import type { RecordedEvent } from '../../src/events/eventLog';
import { openDatabase } from '../../src/events/sqlite/openDatabase';
import { createSqliteEventLog } from '../../src/events/sqlite/sqliteEventLog';
import { openProjectionStore } from '../../src/projections/projectionStore';
import { createEmbeddedTopic } from '../../src/publishers/embedded/embeddedTopic';
import { openBranch } from '../../src/sdk/openBranch';
import { TSX } from '../support/childProcess';
import { tempDir } from '../support/tempDir';

const BRANCHES = 3000;
const ENTITIES = 60;
const KILLS = 24;

/**
 * Writes the branches the worker's entity type expects (see testEntities.ts), all from no
 * base so that branches of one entity are concurrent: most set a numeric field (same field,
 * different value: a conflict), some a note with a confidence, some a string total (schema
 * invalid); a few stay open or are abandoned (unsettled).
 */
const writeBranches = async (path: string) => {
  // Setup only: durability of the writes is not under test here.
  const log = createSqliteEventLog({ path, synchronous: 'OFF' });
  const random = createRandom(20261122);
  const committed = new Set<string>();
  const unsettled = new Set<string>();
  const one = async (i: number) => {
    const [roll, field, value, confidence] = [
      random.next(),
      `/f${random.int(0, 59)}`,
      random.int(1, 2),
      random.int(1, 9) / 10,
    ];
    const b = await openBranch({
      log,
      entity: { type: 'invoice', id: `INV-${i % ENTITIES}` },
      phase: 'reasoning',
      actor: `agent-${i % 7}`,
      from: null,
    });
    if (roll < 0.07) unsettled.add(b.branchId);
    if (roll < 0.04) return b.set('/n', 1).save();
    if (roll < 0.07) return b.abandon('gave up');
    if (roll < 0.13) b.set('/total', 'ten');
    else if (roll < 0.3) b.set('/note', `note ${i}`, { confidence });
    else b.set(field, value);
    // Every fourth branch records two mutations.
    if (i % 4 === 0) await b.save().then(() => b.set(`/g${i % 5}`, i));
    await b.commit();
    committed.add(b.branchId);
  };
  // Groups of concurrent writers share the log's transactions.
  for (let i = 0; i < BRANCHES; i += 50)
    await Promise.all(Array.from({ length: 50 }, (_, k) => one(i + k)));
  await log.close();
  return { committed, unsettled };
};

/**
 * Runs the worker; kills it with SIGKILL `ms` after it is ready, unless it finishes first.
 * Resolves with how it ended and how long it ran after it was ready.
 */
const runOrKill = (path: string, ms = Infinity) =>
  new Promise<{ end: 'finished' | 'killed'; ranMs: number }>((resolve, reject) => {
    const child = spawn(
      process.execPath,
      [...TSX, join(__dirname, '../support/promoterWorker.ts'), path],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let ready = Date.now();
    let timer: NodeJS.Timeout | undefined;
    let err = '';
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    child.stdout.once('data', () => {
      ready = Date.now();
      if (ms !== Infinity) timer = setTimeout(() => child.kill('SIGKILL'), ms);
    });
    child.on('error', reject);
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      const ranMs = Date.now() - ready;
      if (signal === 'SIGKILL') resolve({ end: 'killed', ranMs });
      else if (code === 0) resolve({ end: 'finished', ranMs });
      else reject(new Error(`promoter worker exited ${String(code)}: ${err}`));
    });
  });

const readAll = async (path: string) => {
  const log = createSqliteEventLog({ path });
  const events = await log.readAll({ limit: 1_000_000 });
  await log.close();
  return events;
};

/** Each outcome event per branch, described by what is deterministic: the doc or the violations. */
const outcomesByBranch = (events: readonly RecordedEvent[]) => {
  const outcomes = new Map<string, string[]>();
  const add = (branchId: string, text: string) =>
    outcomes.set(branchId, [...(outcomes.get(branchId) ?? []), text]);
  for (const e of events) {
    if (e.type === 'VersionPromoted')
      for (const b of e.data.branchIds) add(b, `promoted ${JSON.stringify(e.data.doc)}`);
    if (e.type === 'BranchQuarantined')
      add(
        e.data.branchId,
        `quarantined ${e.data.violations.map((v) => `${v.code} ${v.path}`).join(', ')}`,
      );
  }
  return outcomes;
};

/** How far the killed worker got: outcomes settled, versions promoted, snapshots published. */
const progress = (path: string) => {
  const db = openDatabase(path);
  const count = (sql: string) => (db.prepare(sql).get() as { n: number }).n;
  const seen = {
    settled: count(
      "SELECT count(*) AS n FROM events WHERE type IN ('VersionPromoted', 'BranchQuarantined')",
    ),
    promoted: count("SELECT count(*) AS n FROM events WHERE type = 'VersionPromoted'"),
    published: count('SELECT count(*) AS n FROM snapshot_topic'),
    projected: count(
      "SELECT coalesce(max(position), 0) AS n FROM projection_checkpoints WHERE name = 'projections'",
    ),
  };
  db.close();
  return seen;
};

const promotedVersions = (events: readonly RecordedEvent[]) =>
  events.flatMap((e) =>
    e.type === 'VersionPromoted' ? [{ ...e.data, position: e.position }] : [],
  );

describe('promoter crash safety', () => {
  it('settles every committed branch once and publishes every version once across kill -9 at random points', async () => {
    const dir = tempDir('promoter-crash');
    const path = dir.file('crash.sqlite');
    const { committed, unsettled } = await writeBranches(path);
    // The same log, promoted by one run nobody interrupts.
    const referencePath = dir.file('reference.sqlite');
    expect(existsSync(`${path}-wal`)).toBe(false);
    copyFileSync(path, referencePath);
    const reference = await runOrKill(referencePath);
    expect(reference.end).toBe('finished');
    await createEmbeddedTopic({ path }).close(); // the topic's table, so progress() can count it

    const atKills: ReturnType<typeof progress>[] = [];
    let widen = 1;
    while (atKills.length < KILLS) {
      // Scaled to this machine: a kill lets the worker do 1-4% of the whole job, so 24 kills
      // land before it could finish. A kill that left nothing new behind (a pass still planning,
      // a first transaction not yet committed) widens the next window until one does.
      const ms = Math.min(reference.ranMs, reference.ranMs * (0.01 + Math.random() * 0.03) * widen);
      if ((await runOrKill(path, ms)).end === 'finished') break;
      const seen = progress(path);
      const before = atKills.at(-1);
      widen = before && JSON.stringify(before) === JSON.stringify(seen) ? widen * 1.5 : 1;
      atKills.push(seen);
    }
    expect((await runOrKill(path)).end).toBe('finished');

    // The kills landed mid-work: some while branches were left to settle, some while
    // promoted versions were left to publish.
    expect(atKills.length).toBeGreaterThanOrEqual(20);
    expect(atKills.some((p) => p.settled > 0 && p.settled < committed.size)).toBe(true);
    expect(atKills.some((p) => p.published > 0 && p.published < p.promoted)).toBe(true);

    const events = await readAll(path);
    const outcomes = outcomesByBranch(events);
    // Every committed branch has exactly one outcome; nothing else has one.
    expect([...outcomes.keys()].sort()).toEqual([...committed].sort());
    expect([...outcomes.values()].filter((o) => o.length !== 1)).toEqual([]);
    const versions = promotedVersions(events);
    expect(new Set(versions.map((v) => v.versionId)).size).toBe(versions.length);
    // Both kinds of outcome really happened.
    const kinds = [...outcomes.values()].map(([o]) => o!.split(' ')[0]);
    expect(kinds.filter((k) => k === 'promoted').length).toBeGreaterThan(committed.size / 4);
    expect(kinds.filter((k) => k === 'quarantined').length).toBeGreaterThan(committed.size / 10);

    // The topic holds each promoted version once, in log order, with no gaps in its offsets.
    const topic = createEmbeddedTopic({ path });
    const records = topic.read({ limit: 1_000_000 });
    await topic.close();
    expect(records.map((r) => r.offset)).toEqual(versions.map((_, i) => i + 1));
    expect(
      records.map((r) => [r.snapshot.versionId, r.snapshot.position, r.snapshot.hash]),
    ).toEqual(versions.map((v) => [v.versionId, v.position, v.hash]));

    // The projections agree with the log.
    const store = openProjectionStore(path);
    expect(store.committedBranches()).toEqual([]);
    for (const [branchId, [outcome]] of outcomes)
      expect([branchId, store.branch(branchId)?.status]).toEqual([
        branchId,
        outcome!.split(' ')[0],
      ]);
    for (const branchId of unsettled)
      expect(['open', 'abandoned']).toContain(store.branch(branchId)?.status);
    expect(store.statement('SELECT count(*) AS n FROM versions').get()).toEqual({
      n: versions.length,
    });
    expect(store.checkpoint('projections')).toBe(events.at(-1)!.position);
    store.close();

    // The order of decisions per entity does not depend on where the kills landed (there are
    // no references between entities), so each branch gets the outcome, down to the document
    // or the violations, that the uninterrupted run gave it.
    expect(outcomesByBranch(await readAll(referencePath))).toEqual(outcomes);
    dir.remove();
  }, 90_000);
});
