import { z } from 'zod';
import { ValidationError, VersionConflictError } from '../../src/events/errors';
import { createMemoryEventLog } from '../../src/events/memory/memoryEventLog';
import { streamNames } from '../../src/events/streams';
import { createRegistry, defineEntity } from '../../src/projections/defineEntity';
import { openProjectionStore } from '../../src/projections/projectionStore';
import { createPromoter } from '../../src/promoter/promoter';
import {
  abandonOpenBranch,
  discardQuarantine,
  listQuarantine,
  actionTook,
  releaseQuarantine,
  showQuarantine,
} from '../../src/promoter/quarantine';
import { openBranch } from '../../src/sdk/openBranch';

const streams = streamNames('q');
const INV = { type: 'invoice', id: 'INV-1' };

const setup = (schema: z.ZodType, now = () => 0) => {
  const log = createMemoryEventLog();
  const store = openProjectionStore(':memory:');
  const registry = createRegistry([defineEntity({ type: 'invoice', schema })]);
  const promoter = createPromoter({ log, store, registry, streams, now });
  const branch = (from: string | null = null) =>
    openBranch({ log, entity: INV, phase: 'p', actor: 'agent', streams, from });
  return { log, store, promoter, branch };
};

describe('quarantine', () => {
  it('lists and shows a quarantined branch with its violations and candidate', async () => {
    const { store, promoter, branch } = setup(z.strictObject({ total: z.number() }));
    const b = await branch();
    await b.set('/total', 'ten').commit();
    await promoter.runOnce();
    expect(listQuarantine(store).map((q) => q.branchId)).toEqual([b.branchId]);
    expect(showQuarantine(store, b.branchId)).toMatchObject({
      entity: INV,
      violations: [{ code: 'SCHEMA_INVALID', path: '/total' }],
      candidate: { total: 'ten' },
    });
  });

  it('sends a released branch through the gate again', async () => {
    let strict = true;
    const schema = z
      .object({ total: z.number() })
      .refine(() => !strict, 'the reviewer has not looked yet');
    const { log, store, promoter, branch } = setup(schema);
    const b = await branch();
    await b.set('/total', 1).commit();
    expect(await promoter.runOnce()).toMatchObject({ promoted: 0, quarantined: 1 });
    strict = false;
    await releaseQuarantine({
      log,
      store,
      branchId: b.branchId,
      by: 'ann',
      reason: 'checked by hand',
      streams,
    });
    expect(await promoter.runOnce()).toMatchObject({ promoted: 1, quarantined: 0 });
    expect(listQuarantine(store)).toEqual([]);
  });

  it('tells a release or discard that lost the race to another operator', async () => {
    const { log, store, promoter, branch } = setup(z.strictObject({ total: z.number() }));
    const [b, c] = [await branch(), await branch()];
    await b.set('/total', 'x').commit();
    await c.set('/total', 'y').commit();
    await promoter.runOnce();
    // Ann releases b and discards c through a second store that has not read Bob's moves yet.
    const bob = { log, store, by: 'bob', reason: 'r', streams };
    const stale = openProjectionStore(':memory:');
    const staleReader = createPromoter({
      log,
      store: stale,
      registry: createRegistry([defineEntity({ type: 'invoice', schema: z.object({}) })]),
      streams,
    });
    await staleReader.catchUp();
    await discardQuarantine({ ...bob, branchId: b.branchId });
    await releaseQuarantine({ ...bob, branchId: c.branchId });
    const ann = { log, store: stale, by: 'ann', reason: 'r', streams };
    await releaseQuarantine({ ...ann, branchId: b.branchId });
    await discardQuarantine({ ...ann, branchId: c.branchId });
    await staleReader.catchUp();
    expect(actionTook(stale, b.branchId, 'release')).toEqual({
      took: false,
      status: 'abandoned',
    });
    expect(actionTook(stale, c.branchId, 'discard')).toEqual({
      took: false,
      status: 'committed',
    });
    // What the promoter does agrees: b stays abandoned, c goes through the gate again.
    await promoter.runOnce();
    expect(store.branch(b.branchId)!.status).toBe('abandoned');
    expect(store.branch(c.branchId)!.status).toBe('quarantined');
    expect(actionTook(store, b.branchId, 'discard')).toEqual({
      took: true,
      status: 'abandoned',
    });
  });

  it("abandons an open branch by hand, unless its writer's commit got there first", async () => {
    const { log, store, promoter, branch } = setup(z.object({}).loose());
    const [gone, alive] = [await branch(), await branch()];
    await promoter.catchUp();
    await alive.set('/total', 1).commit(); // the store has not read this commit yet
    const ops = { log, store, by: 'ops', reason: 'writer gone', streams };
    await abandonOpenBranch({ ...ops, branchId: gone.branchId });
    await abandonOpenBranch({ ...ops, branchId: alive.branchId });
    await promoter.catchUp();
    expect(actionTook(store, gone.branchId, 'abandon')).toEqual({
      took: true,
      status: 'abandoned',
    });
    expect(actionTook(store, alive.branchId, 'abandon')).toEqual({
      took: false,
      status: 'committed',
    });
    // The gone writer, back after all, finds the branch stream moved on.
    await expect(gone.set('/total', 2).commit()).rejects.toThrow(VersionConflictError);
    expect(await promoter.runOnce()).toMatchObject({ promoted: 1 });
  });

  it('discards a quarantined branch for good, and refuses to act on one that is not quarantined', async () => {
    const { log, store, promoter, branch } = setup(z.strictObject({ total: z.number() }));
    const b = await branch();
    await b.set('/total', 'x').commit();
    await promoter.runOnce();
    await discardQuarantine({
      log,
      store,
      branchId: b.branchId,
      by: 'ann',
      reason: 'junk',
      streams,
    });
    await promoter.runOnce();
    expect(store.branch(b.branchId)).toMatchObject({
      status: 'abandoned',
      endReason: 'discarded from quarantine by ann: junk',
    });
    await expect(
      releaseQuarantine({ log, store, branchId: b.branchId, by: 'ann', reason: 'oops', streams }),
    ).rejects.toThrow(ValidationError);
  });
});

describe('deadlines', () => {
  it('records an open branch past its deadline as abandoned (expired); its late commit is refused', async () => {
    let now = Date.parse('2026-11-22T10:00:00Z');
    const { log, store, promoter } = setup(z.object({}).loose(), () => now);
    const b = await openBranch({
      log,
      entity: INV,
      phase: 'p',
      actor: 'slow',
      streams,
      from: null,
      deadline: '2026-11-22T10:05:00Z',
      now: () => now,
    });
    expect(await promoter.runOnce()).toMatchObject({ expired: 0 });
    now = Date.parse('2026-11-22T10:06:00Z');
    expect(await promoter.runOnce()).toMatchObject({ expired: 1 });
    // The expiry took the branch stream's next revision: the writer learns it lost.
    await expect(b.set('/late', true).commit()).rejects.toThrow(VersionConflictError);
    expect(await promoter.runOnce()).toMatchObject({ promoted: 0, expired: 0 });
    expect(store.branch(b.branchId)).toMatchObject({ status: 'abandoned', endReason: 'expired' });
  });
});
