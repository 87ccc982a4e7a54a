import fc from 'fast-check';
import * as E from 'fp-ts/Either';
import type { Op } from '../../src/events/schemas/ops';
import { applyOps } from '../../src/reconcilers/applyOps';
import { compileMergeRules } from '../../src/reconcilers/mergeRules';
import { reconcile } from '../../src/reconcilers/reconcile';

type Line = { sku: string; qty: number };
const rules = compileMergeRules({ collections: { '/lines': { key: 'sku' } } });
const by = () => ({ branchIds: ['01HEAD0000000000000000000A'], phase: 'p', actor: 'head' });
const theirsBy = { branchIds: ['01BRANCH000000000000000000'], phase: 'p', actor: 'branch' };

/** Long and short keyed arrays (long ones use a key index) with random edits. */
const scenario = fc
  .tuple(
    fc.uniqueArray(fc.integer({ min: 0, max: 60 }), { maxLength: 40 }),
    fc.array(fc.tuple(fc.nat(3), fc.integer({ min: 0, max: 60 }), fc.nat(9)), { maxLength: 12 }),
  )
  .map(([skus, edits]) => ({ lines: skus.map((n) => ({ sku: `S${n}`, qty: 1 })), edits }));

/** The same edits done the obvious way, element by element. */
const naive = (lines: Line[], ops: Op[]): Line[] => {
  let out = lines.map((l) => ({ ...l }));
  for (const op of ops) {
    if (op.op === 'upsert') {
      const value = op.value as Line;
      const at = out.findIndex((l) => l.sku === value.sku);
      if (at >= 0) out[at] = value;
      else out.push(value);
    } else if (op.op === 'remove') out = out.filter((l) => l.sku !== op.key);
    else if (op.op === 'set') {
      const sku = op.path.split('/')[2];
      out = out.map((l) => (l.sku === sku ? { ...l, qty: op.value as number } : l));
    }
  }
  return out;
};

const opsFor = (lines: Line[], edits: [number, number, number][]): Op[] => {
  const present = new Set(lines.map((l) => l.sku));
  const ops: Op[] = [];
  for (const [kind, n, qty] of edits) {
    const sku = `S${n}`;
    if (kind <= 1) {
      ops.push({ op: 'upsert', path: '/lines', value: { sku, qty } });
      present.add(sku);
    } else if (present.has(sku) && kind === 2) {
      ops.push({ op: 'remove', path: '/lines', key: sku });
      present.delete(sku);
    } else if (present.has(sku)) ops.push({ op: 'set', path: `/lines/${sku}/qty`, value: qty });
  }
  return ops;
};

beforeAll(() => fc.configureGlobal({ numRuns: 500 }));
afterAll(() => fc.resetConfigureGlobal());

describe('keyed arrays, short and long', () => {
  it('apply upserts, removals and element edits like the obvious implementation', () => {
    fc.assert(
      fc.property(scenario, ({ lines, edits }) => {
        const ops = opsFor(lines, edits);
        const result = applyOps({ lines }, ops, rules);
        if (E.isLeft(result)) throw result.left;
        expect(result.right.doc.lines).toEqual(naive(lines, ops));
      }),
    );
  });

  it('merge a branch into an unchanged head to exactly the branch result', () => {
    fc.assert(
      fc.property(scenario, ({ lines, edits }) => {
        const ops = opsFor(lines, edits);
        const merged = reconcile(rules, {
          base: { lines },
          ours: { doc: { lines }, by },
          ops,
          theirsBy,
        });
        if (E.isLeft(merged)) throw new Error(JSON.stringify(merged.left));
        expect(merged.right.doc.lines).toEqual(naive(lines, ops));
      }),
    );
  });

  it('merge two branches editing disjoint elements into both edits', () => {
    fc.assert(
      fc.property(scenario, ({ lines, edits }) => {
        const mine = (i: number) => (l: Line) => Number(l.sku.slice(1)) % 2 === i;
        const half = (i: number) =>
          opsFor(
            lines,
            edits.filter(([, n]) => n % 2 === i),
          );
        const [a, b] = [half(0), half(1)];
        const first = reconcile(rules, {
          base: { lines },
          ours: { doc: { lines }, by },
          ops: a,
          theirsBy,
        });
        if (E.isLeft(first)) throw new Error(JSON.stringify(first.left));
        const second = reconcile(rules, {
          base: { lines },
          ours: { doc: first.right.doc, by },
          ops: b,
          theirsBy,
        });
        if (E.isLeft(second)) throw new Error(JSON.stringify(second.left));
        const result = second.right.doc.lines as Line[];
        const sorted = (ls: Line[]) => [...ls].sort((x, y) => x.sku.localeCompare(y.sku));
        expect(sorted(result.filter(mine(0)))).toEqual(sorted(naive(lines, a).filter(mine(0))));
        expect(sorted(result.filter(mine(1)))).toEqual(sorted(naive(lines, b).filter(mine(1))));
      }),
    );
  });
});
