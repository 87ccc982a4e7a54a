import * as E from 'fp-ts/Either';
import { z } from 'zod';
import { DivergenceDetected } from '../../src/events/schemas/entityEvents';
import { defineEntity } from '../../src/projections/defineEntity';
import { mergeBase } from '../../src/projections/mergeBase';
import { reconcileBranch } from '../../src/projections/reconcileBranch';
import { createWorld } from '../support/world';

const invoice = defineEntity({
  type: 'invoice',
  schema: z.object({}).loose(),
  phases: ['reasoning', 'enrichment', 'compression'],
  collections: { '/lines': { key: 'sku' } },
  policies: { '/summary': { rule: 'priority', by: 'phase' } },
});
const INV = { type: 'invoice', id: 'INV-7' };

const reconciled = (w: ReturnType<typeof createWorld>, branchId: string) => {
  const r = reconcileBranch(w.store, w.registry, branchId);
  if (E.isLeft(r)) throw new Error(r.left);
  return r.right;
};

describe('divergence on commit', () => {
  it('fast-forwards a branch whose base is the head', async () => {
    const w = createWorld([invoice]);
    const v1 = await w.promote(INV, { total: 10 });
    const b = await w.open(INV, v1);
    await w.mutate(b, [{ op: 'set', path: '/total', value: 12 }]);
    await w.commit(b);
    await w.process();
    const r = reconciled(w, b);
    expect(r.divergence).toEqual({ kind: 'fast-forward', headVersionId: v1 });
    expect(r.parents).toEqual([v1]);
    expect(E.isRight(r.result) && r.result.right.doc).toEqual({ total: 12 });
  });

  it('reports staleness and the overlapping paths when the head moved', async () => {
    const w = createWorld([invoice]);
    const v1 = await w.promote(INV, { total: 10, vendor: { name: 'Acme' }, note: 'x' });
    const stale = await w.open(INV, v1);
    const v2 = await w.promote(
      INV,
      { total: 11, vendor: { name: 'Acme' }, note: 'x' },
      { parents: [v1] },
    );
    const v3 = await w.promote(
      INV,
      { total: 11, vendor: { name: 'Acme AG' }, note: 'x' },
      { parents: [v2] },
    );
    await w.mutate(stale, [
      { op: 'set', path: '/vendor', value: { name: 'ACME', city: 'Köln' } },
      { op: 'set', path: '/note', value: 'y' },
    ]);
    await w.commit(stale);
    await w.process();
    const r = reconciled(w, stale);
    expect(r.divergence).toMatchObject({
      kind: 'diverged',
      mergeBaseId: v1,
      event: {
        branchId: stale,
        baseVersionId: v1,
        headVersionId: v3,
        staleness: 2,
        overlap: ['/vendor'],
      },
    });
    expect(r.parents).toEqual([v3, v1]);
    if (r.divergence.kind === 'diverged')
      expect(DivergenceDetected.safeParse(r.divergence.event).success).toBe(true);
    // vendor/name changed on both sides: the default policy rejects; note merges.
    if (E.isRight(r.result) || r.result.left.kind !== 'conflicts')
      throw new Error('expected a conflict');
    expect(r.result.left.conflicts.map((c) => c.path)).toEqual(['/vendor/name']);
    expect(r.result.left.candidate.doc).toEqual({
      total: 11,
      vendor: { name: 'Acme AG', city: 'Köln' },
      note: 'y',
    });
  });

  it('weighs the head’s side by the provenance the lineage projection kept', async () => {
    const w = createWorld([invoice]);
    const v1 = await w.promote(INV, { summary: 'short' });
    const compressor = await w.open(INV, v1, 'compression', 'summarizer');
    const late = await w.open(INV, v1, 'reasoning', 'extractor');
    await w.commit(compressor);
    await w.process();
    const decision = {
      path: '/summary',
      base: 'short',
      ours: 'short',
      theirs: 'rich',
      chosen: 'rich',
      rule: 'theirs-only',
      branchIds: [compressor],
    };
    await w.promote(
      INV,
      { summary: 'rich' },
      { parents: [v1], branchIds: [compressor], decisions: [decision], phase: 'compression' },
    );
    await w.mutate(late, [{ op: 'set', path: '/summary', value: 'stale draft' }]);
    await w.commit(late);
    await w.process();
    const r = reconciled(w, late);
    expect(E.isRight(r.result) && r.result.right.doc).toEqual({ summary: 'rich' });
  });

  it('finds the merge base through the lineage DAG when the base itself was a merge', async () => {
    const w = createWorld([invoice]);
    const v1 = await w.promote(INV, { a: 1, b: 1 });
    const v2 = await w.promote(INV, { a: 2, b: 1 }, { parents: [v1] });
    const v3 = await w.promote(INV, { a: 2, b: 2 }, { parents: [v2, v1] }); // a reconciled version
    const b = await w.open(INV, v3);
    const v4 = await w.promote(INV, { a: 3, b: 2 }, { parents: [v3] });
    await w.mutate(b, [{ op: 'set', path: '/b', value: 3 }]);
    await w.commit(b);
    await w.process();
    expect(mergeBase(w.store, v3, v4)).toBe(v3);
    expect(mergeBase(w.store, v2, v3)).toBe(v2);
    const r = reconciled(w, b);
    expect(r.divergence).toMatchObject({
      kind: 'diverged',
      mergeBaseId: v3,
      event: { staleness: 1, overlap: [] },
    });
    expect(E.isRight(r.result) && r.result.right.doc).toEqual({ a: 3, b: 3 });
  });

  it('merges from the common ancestor when the branch’s base is not an ancestor of the head', async () => {
    const w = createWorld([invoice]);
    const v1 = await w.promote(INV, { a: 1, b: 1, c: 1 });
    const side = await w.promote(INV, { a: 1, b: 5, c: 1 }, { parents: [v1] }); // later superseded
    const head = await w.promote(INV, { a: 9, b: 1, c: 1 }, { parents: [v1] });
    const b = await w.open(INV, side);
    await w.mutate(b, [{ op: 'set', path: '/c', value: 2 }]);
    await w.commit(b);
    await w.process();
    expect(mergeBase(w.store, side, head)).toBe(v1);
    const r = reconciled(w, b);
    expect(r.divergence).toMatchObject({ kind: 'diverged', mergeBaseId: v1 });
    // The side version's change to b is part of the branch's result, so it is merged too.
    expect(E.isRight(r.result) && r.result.right.doc).toEqual({ a: 9, b: 5, c: 2 });
  });

  it('treats two branches creating one entity as diverged from nothing', async () => {
    const w = createWorld([invoice]);
    const first = await w.open(INV, null);
    const second = await w.open(INV, null);
    await w.mutate(second, [{ op: 'set', path: '/total', value: 5 }]);
    await w.commit(second);
    await w.promote(INV, { total: 4 }, { branchIds: [first] });
    await w.process();
    const r = reconciled(w, second);
    expect(r.divergence).toMatchObject({
      kind: 'diverged',
      mergeBaseId: null,
      event: { staleness: 1, overlap: ['/total'] },
    });
    expect(E.isLeft(r.result)).toBe(true);
  });

  it('gives a reason for an unknown branch, entity type or base version', async () => {
    const w = createWorld([invoice]);
    const ghost = await w.open({ type: 'invoice', id: 'X' }, '01ARZ3NDEKTSV4RRFFQ69G5FAV');
    const alien = await w.open({ type: 'order', id: 'O-1' }, null);
    await w.process();
    expect(reconcileBranch(w.store, w.registry, '01ARZ3NDEKTSV4RRFFQ69G5FAW')).toEqual(
      E.left('unknown branch 01ARZ3NDEKTSV4RRFFQ69G5FAW'),
    );
    expect(reconcileBranch(w.store, w.registry, ghost)).toEqual(
      E.left('base version 01ARZ3NDEKTSV4RRFFQ69G5FAV was never promoted'),
    );
    expect(reconcileBranch(w.store, w.registry, alien)).toEqual(
      E.left('no entity type "order" is defined'),
    );
  });
});
