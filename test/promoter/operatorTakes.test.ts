import Database from 'better-sqlite3';
import { z } from 'zod';
import { blame } from '../../src/audit/blame';
import { verify } from '../../src/audit/verify';
import { ValidationError } from '../../src/events/errors';
import { createMemoryEventLog } from '../../src/events/memory/memoryEventLog';
import { streamNames } from '../../src/events/streams';
import { createRegistry, defineEntity } from '../../src/projections/defineEntity';
import { openProjectionStore } from '../../src/projections/projectionStore';
import { createPromoter } from '../../src/promoter/promoter';
import { releaseQuarantine, showQuarantine } from '../../src/promoter/quarantine';
import { openBranch } from '../../src/sdk/openBranch';
import { tempDir } from '../support/tempDir';

const streams = streamNames('t');
const INV = { type: 'invoice', id: 'INV-1' };
const registry = createRegistry([
  defineEntity({ type: 'invoice', schema: z.object({ total: z.number(), note: z.string() }) }),
]);

/**
 * v1 {total 10, note "a"}; `head` (promoted as v2) and `late`, both from v1, change total and
 * note differently, and no policy covers either path: `late` is quarantined at both.
 */
const conflicted = async () => {
  const log = createMemoryEventLog();
  const store = openProjectionStore(':memory:');
  const promoter = createPromoter({ log, store, registry, streams });
  const branch = (actor: string, from: string | null) =>
    openBranch({ log, entity: INV, phase: 'p', actor, streams, from });
  await (await branch('first', null)).set('/total', 10).set('/note', 'a').commit();
  await promoter.runOnce();
  const v1 = store.head(INV)!.versionId;
  const [head, late] = [await branch('fast', v1), await branch('slow', v1)];
  await head.set('/total', 20).set('/note', 'head').commit();
  await late.set('/total', 30).set('/note', 'late').commit();
  expect(await promoter.runOnce()).toMatchObject({ promoted: 1, quarantined: 1 });
  const op = { log, store, branchId: late.branchId, by: 'ann', reason: 'checked', streams };
  return { log, store, promoter, late, op };
};

const doc = (store: ReturnType<typeof openProjectionStore>) =>
  store.version(store.head(INV)!.versionId)!.doc;

describe('settling a quarantined conflict on release (--take)', () => {
  it("takes the branch's values, records the choice as a decision, and replay agrees", async () => {
    const { log, store, promoter, late, op } = await conflicted();
    expect(await releaseQuarantine({ ...op, take: 'branch' })).toEqual([
      { path: '/note', side: 'branch' },
      { path: '/total', side: 'branch' },
    ]);
    expect(await promoter.runOnce()).toMatchObject({ promoted: 1, quarantined: 0 });
    expect(doc(store)).toEqual({ total: 30, note: 'late' });
    const promoted = store.version(store.head(INV)!.versionId)!;
    expect(promoted.branchIds).toEqual([late.branchId]);
    const events = await log.readStream(streams.entity(INV));
    const outcomes = events.flatMap((e) => (e.type === 'VersionPromoted' ? [e.data] : []));
    const { decisions } = outcomes.find((d) => d.versionId === promoted.versionId)!;
    expect(decisions).toEqual([
      expect.objectContaining({
        path: '/note',
        ours: 'head',
        theirs: 'late',
        chosen: 'late',
        rule: 'operator:branch',
      }),
      expect.objectContaining({
        path: '/total',
        ours: 20,
        theirs: 30,
        chosen: 30,
        rule: 'operator:branch',
        branchIds: [late.branchId],
      }),
    ]);
    // Replay rebuilds the version from the branch events and the release alone.
    expect(await verify({ log, registry, streams })).toMatchObject({ verified: true });
    const history = await blame({ log, registry, entity: INV, pointer: '/total', streams });
    expect(history.at(-1)).toMatchObject({
      value: 30,
      rules: ['operator:branch'],
      actors: ['slow'],
    });
  });

  it("keeps the head's value at one path; the other path stays in conflict until settled too", async () => {
    const { log, store, promoter, late, op } = await conflicted();
    await releaseQuarantine({ ...op, take: [{ path: '/total', side: 'head' }] });
    expect(await promoter.runOnce()).toMatchObject({ promoted: 0, quarantined: 1 });
    expect(showQuarantine(store, late.branchId)!.violations).toEqual([
      expect.objectContaining({ code: 'UNRESOLVED_CONFLICT', path: '/note' }),
    ]);
    // The second release names /note only: /total stays settled from the first.
    await releaseQuarantine({ ...op, take: [{ path: '/note', side: 'branch' }] });
    expect(await promoter.runOnce()).toMatchObject({ promoted: 1, quarantined: 0 });
    expect(doc(store)).toEqual({ total: 20, note: 'late' });
    expect(await verify({ log, registry, streams })).toMatchObject({ verified: true });
  });

  it('refuses a path that is not in conflict, and a side for a branch quarantined for something else', async () => {
    const { log, store, promoter, op } = await conflicted();
    await expect(
      releaseQuarantine({ ...op, take: [{ path: '/totl', side: 'branch' }] }),
    ).rejects.toThrow('is in conflict at /note, /total only');
    const bad = await openBranch({
      log,
      entity: INV,
      phase: 'p',
      actor: 'x',
      streams,
      from: store.head(INV)!.versionId,
    });
    await bad.set('/total', 'lots').commit();
    await promoter.runOnce();
    const error = await releaseQuarantine({ ...op, branchId: bad.branchId, take: 'head' }).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(ValidationError);
    expect(String(error)).toContain('was not quarantined for a conflict (SCHEMA_INVALID)');
    // Nothing was recorded for either refusal.
    const released = (await log.readAll({ fromPosition: 1, limit: 1000 })).filter(
      (e) => e.type === 'QuarantineReleased',
    );
    expect(released).toEqual([]);
  });

  it('opens a projection file written before takes and opened_at existed, adding the columns', () => {
    const dir = tempDir('takes-column');
    try {
      const path = dir.file('old.sqlite');
      const old = new Database(path);
      old.exec(
        `CREATE TABLE branches (branch_id TEXT PRIMARY KEY, entity_type TEXT NOT NULL, entity_id TEXT NOT NULL,
          base_version_id TEXT, phase TEXT NOT NULL, actor TEXT NOT NULL, deadline TEXT, status TEXT NOT NULL,
          mutation_count INTEGER NOT NULL DEFAULT 0, last_seq INTEGER NOT NULL DEFAULT 0, commit_count INTEGER,
          commit_digest TEXT, flaw TEXT, end_reason TEXT, commit_event_id TEXT, correlation_id TEXT,
          opened_position INTEGER NOT NULL);
         INSERT INTO branches (branch_id, entity_type, entity_id, phase, actor, status, opened_position)
           VALUES ('01M817R92BV7KHT6Y8E9469SY4', 'invoice', 'INV-1', 'p', 'a', 'committed', 1);`,
      );
      old.close();
      const store = openProjectionStore(path);
      expect(store.branch('01M817R92BV7KHT6Y8E9469SY4')).toMatchObject({
        status: 'committed',
        takes: [],
      });
      const columns = (store.db.pragma('table_info(branches)') as { name: string }[]).map(
        (c) => c.name,
      );
      expect(columns).toEqual(expect.arrayContaining(['takes', 'opened_at']));
      store.close();
      openProjectionStore(path).close(); // and again, with the column there
    } finally {
      dir.remove();
    }
  });
});
