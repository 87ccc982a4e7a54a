import { z } from 'zod';
import { newEvent } from '../../src/events/newEvent';
import { streamNames } from '../../src/events/streams';
import { defineEntity } from '../../src/projections/defineEntity';
import { createWorld } from '../support/world';

const invoice = defineEntity({
  type: 'invoice',
  schema: z.object({}).loose(),
  collections: { '/lines': { key: 'sku' } },
});
const INV = { type: 'invoice', id: 'INV-1' };

describe('branch state projection', () => {
  it('records base, ops so far and status through open, mutations and commit', async () => {
    const w = createWorld([invoice]);
    const v1 = await w.promote(INV, { total: 1 });
    const b = await w.open(INV, v1, 'enrichment', 'tax-agent');
    await w.mutate(b, [{ op: 'set', path: '/total', value: 2 }]);
    await w.mutate(b, [{ op: 'set', path: '/vat', value: 0.19 }]);
    await w.process();
    expect(w.store.branch(b)).toMatchObject({
      baseVersionId: v1,
      phase: 'enrichment',
      actor: 'tax-agent',
      status: 'open',
      mutationCount: 2,
      lastSeq: 2,
      flaw: null,
    });
    expect(w.store.branchOps(b)).toEqual([
      [{ op: 'set', path: '/total', value: 2 }],
      [{ op: 'set', path: '/vat', value: 0.19 }],
    ]);
    await w.commit(b);
    await w.process();
    expect(w.store.branch(b)).toMatchObject({ status: 'committed', commitCount: 2 });
  });

  it('keeps a sequence gap and a write after the commit as the branch’s flaw', async () => {
    const w = createWorld([invoice]);
    const gap = await w.open(INV, null);
    await w.mutate(gap, [{ op: 'set', path: '/a', value: 1 }], 1);
    await w.mutate(gap, [{ op: 'set', path: '/b', value: 1 }], 3);
    const late = await w.open(INV, null);
    await w.commit(late);
    await w.mutate(late, [{ op: 'set', path: '/a', value: 1 }]);
    await w.process();
    expect(w.store.branch(gap)!.flaw).toBe('sequence gap: expected mutation 2, got 3');
    expect(w.store.branch(late)!.flaw).toBe('mutation 1 after the branch was committed');
  });

  it('forgets a branch’s ops once it is promoted or abandoned, so memory follows open work', async () => {
    const w = createWorld([invoice]);
    const b = await w.open(INV, null);
    await w.mutate(b, [{ op: 'set', path: '/a', value: 1 }]);
    await w.commit(b);
    await w.promote(INV, { a: 1 }, { branchIds: [b] });
    await w.process();
    expect(w.store.branch(b)!.status).toBe('promoted');
    expect(w.store.branchOps(b)).toEqual([]);
  });

  it('keeps the first ops of a mutation recorded twice, counting it once', async () => {
    const w = createWorld([invoice]);
    const b = await w.open(INV, null);
    await w.mutate(b, [{ op: 'set', path: '/a', value: 1 }], 1);
    await w.mutate(b, [{ op: 'set', path: '/a', value: 2 }], 1);
    await w.mutate(b, [{ op: 'set', path: '/b', value: 3 }], 2);
    await w.process();
    expect(w.store.branch(b)).toMatchObject({ mutationCount: 2, lastSeq: 2 });
    expect(w.store.branch(b)!.flaw).toMatch(/got 1/);
    expect(w.store.branchOps(b)).toEqual([
      [{ op: 'set', path: '/a', value: 1 }],
      [{ op: 'set', path: '/b', value: 3 }],
    ]);
  });

  it('removes the quarantine entry of a branch promoted without a release first', async () => {
    const w = createWorld([invoice]);
    const b = await w.open(INV, null);
    await w.mutate(b, [{ op: 'set', path: '/a', value: 1 }]);
    await w.commit(b);
    const violations = [{ code: 'SCHEMA_INVALID' as const, path: '/a', message: 'no' }];
    await w.log.append(
      streamNames('test').entity(INV),
      [newEvent('BranchQuarantined', { branchId: b, entity: INV, violations }, { actor: 't' })],
      { expectedRevision: 'any' },
    );
    await w.process();
    const entries = () => w.store.statement('SELECT branch_id FROM quarantine').all();
    expect(entries()).toEqual([{ branch_id: b }]);
    await w.promote(INV, { a: 1 }, { branchIds: [b] });
    await w.process();
    expect(w.store.branch(b)!.status).toBe('promoted');
    expect(entries()).toEqual([]);
    expect(w.store.branchOps(b)).toEqual([]);
  });
});
