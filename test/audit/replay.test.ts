import Database from 'better-sqlite3';
import { z } from 'zod';
import { replay } from '../../src/audit/replay';
import { verify } from '../../src/audit/verify';
import { runInvoiceDemo } from '../../src/demo/invoiceDemo';
import { invoice, vendor } from '../../src/demo/invoiceDomain';
import { ValidationError } from '../../src/events/errors';
import { createMemoryEventLog } from '../../src/events/memory/memoryEventLog';
import { createSqliteEventLog } from '../../src/events/sqlite/sqliteEventLog';
import { createRegistry, defineEntity } from '../../src/projections/defineEntity';
import { openProjectionStore } from '../../src/projections/projectionStore';
import { createPromoter } from '../../src/promoter/promoter';
import { releaseQuarantine } from '../../src/promoter/quarantine';
import { openBranch } from '../../src/sdk/openBranch';
import { tempDir } from '../support/tempDir';

const registry = createRegistry([invoice, vendor]);
const dir = tempDir('audit-replay');
afterAll(() => dir.remove());

/** A demo run on its own SQLite file; returns the file and what the projections hold. */
const demoFile = async (name: string) => {
  const path = dir.file(name);
  const log = createSqliteEventLog({ path });
  const store = openProjectionStore(path);
  await runInvoiceDemo({ log, store, seed: 3, invoices: 25 });
  const heads = store
    .statement(
      'SELECT h.entity_type AS type, h.entity_id AS id, v.version_id AS versionId, v.hash, v.doc FROM heads h JOIN versions v USING (version_id)',
    )
    .all() as { type: string; id: string; versionId: string; hash: string; doc: string }[];
  store.close();
  await log.close();
  return { path, heads };
};

type Row = { position: number; data: string };

/** Edits one stored event in place, as someone with write access to the file could. */
const editEvent = (path: string, select: string, edit: (data: string) => string): Row => {
  const db = new Database(path);
  const row = db.prepare(select).get() as Row;
  db.prepare('UPDATE events SET data = ? WHERE position = ?').run(edit(row.data), row.position);
  db.close();
  return row;
};

const verifyFile = async (path: string) => {
  const log = createSqliteEventLog({ path });
  try {
    return await verify({ log, registry });
  } finally {
    await log.close();
  }
};

describe('replay and verify', () => {
  it('rebuilds every head of an untouched demo log exactly as the promoter made it', async () => {
    const { path, heads } = await demoFile('clean.sqlite');
    const log = createSqliteEventLog({ path });
    const summary = await replay({ log, registry, pageSize: 97 });
    const rebuilt = new Map(summary.heads.map((h) => [`${h.entity.type}/${h.entity.id}`, h]));
    expect(rebuilt.size).toBe(heads.length);
    for (const h of heads)
      expect(rebuilt.get(`${h.type}/${h.id}`)).toMatchObject({
        versionId: h.versionId,
        hash: h.hash,
        doc: JSON.parse(h.doc) as unknown,
      });
    expect(summary.unrebuilt).toBe(0);
    const result = await verify({ log, registry });
    await log.close();
    expect(result).toMatchObject({ verified: true, summary: { versions: summary.versions } });
  });

  it('fails at exactly the version an edited mutation reached, with a diff of both documents', async () => {
    const { path } = await demoFile('edited-mutation.sqlite');
    const edited = editEvent(
      path,
      `SELECT position, data FROM events WHERE type = 'MutationRecorded' AND data LIKE '%"qty":%' ORDER BY position LIMIT 1 OFFSET 10`,
      (data) => data.replace(/"qty":(\d+)/, (_, n: string) => `"qty":${Number(n) + 100}`),
    );
    const branchId = (JSON.parse(edited.data) as { branchId: string }).branchId;
    const db = new Database(path, { readonly: true });
    const promoted = db
      .prepare(
        `SELECT position, data FROM events WHERE type = 'VersionPromoted' AND position > ? AND data LIKE ? ORDER BY position LIMIT 1`,
      )
      .get(edited.position, `%${branchId}%`) as Row;
    db.close();
    const target = JSON.parse(promoted.data) as { versionId: string };
    const result = await verifyFile(path);
    if (result.verified) throw new Error('an edited log verified');
    const { mismatch } = result;
    expect(mismatch).toMatchObject({ versionId: target.versionId, position: promoted.position });
    expect(mismatch.fields).toEqual(expect.arrayContaining(['hash', 'doc']));
    expect(mismatch.diff).toEqual([
      expect.objectContaining({
        path: expect.stringMatching(/^\/lines\/\d+\/qty$/) as string,
        recorded: expect.any(Number) as number,
        recomputed: expect.any(Number) as number,
      }),
    ]);
    const [d] = mismatch.diff;
    expect(Number(d!.recomputed) - Number(d!.recorded)).toBe(100);
    expect(mismatch.reason).toMatch(/recomputed hash .* is not the recorded/);
  });

  it('catches an edited recorded document and an edited hash at their own version', async () => {
    const { path } = await demoFile('edited-version.sqlite');
    const pick = `SELECT position, data FROM events WHERE type = 'VersionPromoted' ORDER BY position LIMIT 1 OFFSET 30`;
    const doc = editEvent(path, pick, (data) => data.replace('"vendorId":"V-', '"vendorId":"W-'));
    const docResult = await verifyFile(path);
    expect(docResult).toMatchObject({
      verified: false,
      mismatch: { position: doc.position, fields: ['doc'] },
    });
    editEvent(path, pick, () => doc.data);
    expect((await verifyFile(path)).verified).toBe(true);
    editEvent(path, pick, (data) => data.replace(/"hash":"[0-9a-f]/, '"hash":"x'));
    expect(await verifyFile(path)).toMatchObject({
      verified: false,
      mismatch: { position: doc.position, fields: ['hash'] },
    });
  });

  it('fails on a mutation edited after its commit even when the document comes out the same', async () => {
    const note = defineEntity({ type: 'note', schema: z.strictObject({ a: z.number() }) });
    const notes = createRegistry([note]);
    const path = dir.file('edited-overwritten.sqlite');
    const log = createSqliteEventLog({ path });
    const store = openProjectionStore(path);
    const branch = await openBranch({
      log,
      entity: { type: 'note', id: 'N-1' },
      phase: 'p',
      actor: 'x',
    });
    await branch.set('/a', 1).save();
    await branch.set('/a', 2).commit(); // the second mutation overwrites the first
    await createPromoter({ log, store, registry: notes }).runOnce();
    store.close();
    await log.close();
    const first = editEvent(
      path,
      `SELECT position, data FROM events WHERE type = 'MutationRecorded' ORDER BY position LIMIT 1`,
      (data) => data.replace('"value":1', '"value":7'),
    );
    expect(first.data).toContain('"value":1');
    const edited = createSqliteEventLog({ path });
    const result = await verify({ log: edited, registry: notes });
    await edited.close();
    if (result.verified) throw new Error('an edited log verified');
    expect(result.mismatch.fields).toEqual(['commit']);
    expect(result.mismatch.diff).toEqual([]);
    expect(result.mismatch.reason).toBe(
      `branch ${branch.branchId}'s mutations no longer match the digest its commit recorded (edited after the commit)`,
    );
  });

  it('stops at a position or a time, replays one entity alone, and refuses bad limits', async () => {
    const { path, heads } = await demoFile('limits.sqlite');
    const log = createSqliteEventLog({ path });
    const all = await replay({ log, registry });
    const half = await replay({ log, registry, until: { position: Math.floor(all.position / 2) } });
    expect(half.position).toBe(Math.floor(all.position / 2));
    expect(half.versions).toBeLessThan(all.versions);
    const [last] = await log.readAll({ fromPosition: half.position, limit: 1 });
    const time = last!.metadata.recordedAt;
    const byTime = await replay({ log, registry, until: { time } });
    // Up to the first event recorded after that time (writers' clocks need not follow log order).
    const replayed = await log.readAll({ fromPosition: 'start', limit: byTime.position + 1 });
    expect(replayed.slice(0, -1).every((e) => e.metadata.recordedAt <= time)).toBe(true);
    expect(replayed.at(-1)!.metadata.recordedAt > time).toBe(true);
    expect(byTime.versions).toBeLessThan(all.versions);
    const one = heads.find((h) => h.id === 'INV-7')!;
    const alone = await replay({ log, registry, entity: { type: 'invoice', id: 'INV-7' } });
    expect(alone.heads).toEqual([
      expect.objectContaining({ versionId: one.versionId, hash: one.hash }),
    ]);
    await expect(replay({ log, registry, until: { position: all.position + 1 } })).rejects.toThrow(
      /past the end of the log/,
    );
    await expect(
      replay({ log, registry, entity: { type: 'invoice', id: 'INV-404' } }),
    ).rejects.toThrow(ValidationError);
    await log.close();
  });

  it('replays a branch opened from a version long superseded', async () => {
    const note = defineEntity({
      type: 'note',
      schema: z.strictObject({ a: z.number().optional(), b: z.number().optional() }),
    });
    const notes = createRegistry([note]);
    const log = createMemoryEventLog();
    const store = openProjectionStore(':memory:');
    const promoter = createPromoter({ log, store, registry: notes });
    const entity = { type: 'note', id: 'N-1' };
    const write = async (field: 'a' | 'b', value: number, from?: string) => {
      const branch = await openBranch({
        log,
        entity,
        phase: 'p',
        actor: 'x',
        ...(from ? { from } : {}),
      });
      await branch.set(`/${field}`, value).commit();
      await promoter.runOnce();
      return store.head(entity)!.versionId;
    };
    const first = await write('a', 1);
    for (let i = 2; i < 6; i += 1) await write('a', i);
    // Opened from the first version after four more: replay has let that version go by then.
    const merged = await write('b', 7, first);
    expect(store.version(merged)!.parents).toEqual([expect.any(String), first]);
    expect(store.version(merged)!.doc).toEqual({ a: 5, b: 7 });
    const result = await verify({ log, registry: notes });
    expect(result).toMatchObject({ verified: true, summary: { versions: 6 } });
    const summary = await replay({ log, registry: notes });
    expect(summary.heads[0]).toMatchObject({ versionId: merged, doc: { a: 5, b: 7 } });
  });

  it('replays a branch promoted after it was released from quarantine', async () => {
    const memo = defineEntity({
      type: 'memo',
      schema: z.strictObject({ note: z.string().optional(), n: z.number().optional() }),
    });
    const memos = createRegistry([memo]);
    const log = createMemoryEventLog();
    const store = openProjectionStore(':memory:');
    const promoter = createPromoter({ log, store, registry: memos });
    const entity = { type: 'memo', id: 'M-1' };
    const open = () => openBranch({ log, entity, phase: 'p', actor: 'x' });
    await (await open()).set('/note', 'a').commit();
    await promoter.runOnce();
    const [first, second] = [await open(), await open()];
    await first.set('/note', 'b').commit();
    await second.set('/note', 'c').set('/n', 1).commit();
    await promoter.runOnce();
    expect(store.branch(second.branchId)!.status).toBe('quarantined');
    // The head goes back to the base value: released, the second branch merges cleanly.
    await (await open()).set('/note', 'a').commit();
    await promoter.runOnce();
    await releaseQuarantine({ log, store, branchId: second.branchId, by: 'ops', reason: 'r' });
    await promoter.runOnce();
    expect(store.branch(second.branchId)!.status).toBe('promoted');
    expect(store.version(store.head(entity)!.versionId)!.doc).toEqual({ note: 'c', n: 1 });
    expect(await verify({ log, registry: memos })).toMatchObject({
      verified: true,
      summary: { versions: 4, openBranches: 0 },
    });
  });
});
