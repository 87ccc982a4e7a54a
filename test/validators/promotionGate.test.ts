import * as E from 'fp-ts/Either';
import { z } from 'zod';
import { mutationDigest } from '../../src/events/hash';
import { newEvent } from '../../src/events/newEvent';
import { defineEntity } from '../../src/projections/defineEntity';
import { gateLookups } from '../../src/projections/gateLookups';
import { reconcileBranch } from '../../src/projections/reconcileBranch';
import { runGate } from '../../src/validators/promotionGate';
import type { GateOptions } from '../../src/validators/gateInput';
import { createWorld, type World } from '../support/world';

const invoice = defineEntity({
  type: 'invoice',
  schema: z.strictObject({
    total: z.number().optional(),
    vendorId: z.string().optional(),
    vat: z.number().optional(),
    summary: z.string().optional(),
  }),
  phases: ['reasoning', 'enrichment', 'compression'],
  references: { '/vendorId': 'vendor' },
  completeness: { enrichment: ['/vat'] },
});
const vendor = defineEntity({
  type: 'vendor',
  schema: z.strictObject({ name: z.string(), status: z.enum(['active', 'removed']) }),
  removed: (doc) => doc.status === 'removed',
});
const INV = { type: 'invoice', id: 'INV-1' };
const V1 = { type: 'vendor', id: 'V-1' };

/** Reconciles a branch from the projections and runs the gate; returns the violation codes. */
const gate = async (w: World, branchId: string, options?: GateOptions) => {
  await w.process();
  const reconciliation = reconcileBranch(w.store, w.registry, branchId);
  if (E.isLeft(reconciliation)) throw new Error(reconciliation.left);
  const r = reconciliation.right;
  return runGate({
    entityType: r.entityType,
    branch: w.store.branch(branchId)!,
    mutations: w.store.branchOps(branchId),
    reconciliation: r,
    lookups: gateLookups(w.store, w.registry),
    ...(options === undefined ? {} : { options }),
  });
};
const codes = (result: Awaited<ReturnType<typeof gate>>) =>
  E.isLeft(result) ? result.left.violations.map((v) => `${v.code} ${v.path}`) : [];

const branchWith = async (
  w: World,
  ops: Parameters<World['mutate']>[1],
  base: string | null,
  phase = 'reasoning',
) => {
  const b = await w.open(INV, base, phase);
  await w.mutate(b, ops);
  await w.commit(b);
  return b;
};

describe('promotion gate', () => {
  it('passes a clean branch with its candidate', async () => {
    const w = createWorld([invoice, vendor]);
    await w.promote(V1, { name: 'Acme', status: 'active' });
    const b = await branchWith(w, [{ op: 'set', path: '/vendorId', value: 'V-1' }], null);
    const result = await gate(w, b);
    expect(E.isRight(result) && result.right.doc).toEqual({ vendorId: 'V-1' });
  });

  it('accumulates every violation instead of stopping at the first', async () => {
    const w = createWorld([invoice, vendor]);
    const b = await branchWith(
      w,
      [
        { op: 'set', path: '/vendorId', value: 'V-9' },
        { op: 'set', path: '/total', value: 'ten' },
      ],
      null,
      'enrichment',
    );
    expect(codes(await gate(w, b))).toEqual([
      'SCHEMA_INVALID /total',
      'DANGLING_REFERENCE /vendorId',
      'PARTIAL_WRITE /vat',
    ]);
  });

  it('reports references to a removed entity, and an entity removal that would orphan others', async () => {
    const w = createWorld([invoice, vendor]);
    const v = await w.promote(V1, { name: 'Acme', status: 'active' });
    await w.promote(INV, { vendorId: 'V-1' });
    const removal = await w.open(V1, v);
    await w.mutate(removal, [{ op: 'set', path: '/status', value: 'removed' }]);
    await w.commit(removal);
    const orphaning = await gate(w, removal);
    expect(E.isLeft(orphaning) && orphaning.left.violations).toEqual([
      {
        code: 'ORPHANED_LINK',
        path: '',
        message: 'removing it would orphan invoice/INV-1 at /vendorId',
      },
    ]);
    await w.promote(V1, { name: 'Acme', status: 'removed' }, { parents: [v] });
    const late = await branchWith(w, [{ op: 'set', path: '/vendorId', value: 'V-1' }], null);
    expect(codes(await gate(w, late))).toContain('ORPHANED_LINK /vendorId');
  });

  it('reports a partial write: a gap in the mutations, a commit that does not match them', async () => {
    const w = createWorld([invoice, vendor]);
    const b = await w.open(INV, null);
    await w.mutate(b, [{ op: 'set', path: '/total', value: 1 }]);
    // The writer crashed: it believes it recorded three mutations; the second never arrived.
    await w.mutate(b, [{ op: 'set', path: '/total', value: 3 }], 3);
    const believed = [
      [{ op: 'set', path: '/total', value: 1 }],
      [{ op: 'set', path: '/total', value: 2 }],
      [{ op: 'set', path: '/total', value: 3 }],
    ];
    await w.log.append(
      `test-branch-${b}`,
      [
        newEvent(
          'BranchCommitted',
          { branchId: b, mutationCount: 3, digest: mutationDigest(believed) },
          { actor: 'agent' },
        ),
      ],
      { expectedRevision: 'any' },
    );
    const result = await gate(w, b);
    expect(E.isLeft(result) && result.left.violations.map((v) => v.message)).toEqual([
      'sequence gap: expected mutation 2, got 3',
      'the commit counts 3 mutations, 2 were recorded',
      'the commit digest does not match the recorded mutations',
    ]);
  });

  it('quarantines a late commit to a sealed phase and a branch that started before an earlier seal', async () => {
    const w = createWorld([invoice, vendor]);
    const v1 = await w.promote(INV, { total: 1 });
    const reasoning = await branchWith(
      w,
      [{ op: 'set', path: '/total', value: 2 }],
      v1,
      'reasoning',
    );
    const enrichment = await branchWith(
      w,
      [{ op: 'set', path: '/vat', value: 0.19 }],
      v1,
      'enrichment',
    );
    const v2 = await w.promote(INV, { total: 3 }, { parents: [v1] });
    await w.log.append(
      'test-entity-invoice-INV-1',
      [
        newEvent(
          'PhaseSealed',
          { entity: INV, phase: 'reasoning', versionId: v2 },
          { actor: 'op' },
        ),
      ],
      { expectedRevision: 'any' },
    );
    expect(codes(await gate(w, reasoning))).toContain('PHASE_VIOLATION ');
    expect(codes(await gate(w, enrichment))).toEqual(['PHASE_VIOLATION ']);
  });

  it('refuses a base too far behind the head when a staleness bound is set', async () => {
    const w = createWorld([invoice, vendor]);
    const v1 = await w.promote(INV, { total: 1 });
    const b = await branchWith(w, [{ op: 'set', path: '/vat', value: 0.2 }], v1);
    const v2 = await w.promote(INV, { total: 2 }, { parents: [v1] });
    await w.promote(INV, { total: 3 }, { parents: [v2] });
    expect(codes(await gate(w, b, { maxStaleness: 1 }))).toEqual(['STALE_BASE ']);
    expect(E.isRight(await gate(w, b, { maxStaleness: 2 }))).toBe(true);
  });

  it('reports unresolved conflicts and keeps the candidate for the quarantine', async () => {
    const w = createWorld([invoice, vendor]);
    const v1 = await w.promote(INV, { total: 1 });
    const b = await branchWith(w, [{ op: 'set', path: '/total', value: 5 }], v1);
    await w.promote(INV, { total: 4 }, { parents: [v1] });
    const result = await gate(w, b);
    expect(codes(result)).toEqual(['UNRESOLVED_CONFLICT /total']);
    // The message tells the two values apart from any confidence named in the reason.
    expect(E.isLeft(result) && result.left.violations[0].message).toMatch(
      /the head's value 4, the branch's 5\)$/,
    );
    expect(E.isLeft(result) && result.left.candidate?.doc).toEqual({ total: 4 });
  });

  it('reports ops that do not apply as schema violations, with no candidate', async () => {
    const w = createWorld([invoice, vendor]);
    const v1 = await w.promote(INV, { total: 1 });
    const b = await branchWith(w, [{ op: 'set', path: '/total/cents', value: 5 }], v1);
    const result = await gate(w, b);
    expect(codes(result)).toEqual(['SCHEMA_INVALID /total/cents']);
    expect(E.isLeft(result) && result.left.candidate).toBeUndefined();
  });
});
