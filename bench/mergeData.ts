import type { Op } from '../src/events/schemas/ops';
import { createRandom, type Random } from '../src/demo/random';
import type { JsonObject } from '../src/reconcilers/json';
import type { MergeRules } from '../src/reconcilers/mergeRules';

/** Every field may conflict; branches carry distinct confidences, so conflicts resolve. */
export const BENCH_RULES: MergeRules = {
  collections: { '/lines': { key: 'sku' }, '/tags': 'set' },
  policies: { '/*': { rule: 'confidence' } },
};

/** One reconcile round: a base and the ops of `branches` concurrent branches opened from it. */
export interface Scenario {
  base: JsonObject;
  branches: { ops: Op[]; confidence: number }[];
}

const FIELDS_PER_GROUP = 10;
const OPS_PER_BRANCH = 4;

/**
 * An invoice of about 40 fields in 4 groups plus 10 line items (`scale` 1); `scale` 10 has
 * ten times both. Values vary by seed.
 */
export const invoice = (scale: number, r: Random): JsonObject => {
  const groups = Object.fromEntries(
    Array.from({ length: 4 * scale }, (_, g) => [
      `g${g}`,
      Object.fromEntries(
        Array.from({ length: FIELDS_PER_GROUP }, (_, f) => [`f${f}`, r.int(0, 1000)]),
      ),
    ]),
  );
  const lines = Array.from({ length: 10 * scale }, (_, i) => ({
    sku: `L${i}`,
    qty: r.int(1, 9),
    price: r.int(1, 500),
    description: `line ${i}`,
  }));
  return { number: `INV-${r.int(1, 99999)}`, ...groups, lines, tags: ['new'] };
};

/** Paths a branch can set: every group field and every line's qty and price. */
const fieldPaths = (scale: number): string[] => [
  ...Array.from(
    { length: 4 * scale * FIELDS_PER_GROUP },
    (_, i) => `/g${Math.floor(i / FIELDS_PER_GROUP)}/f${i % FIELDS_PER_GROUP}`,
  ),
  ...Array.from({ length: 10 * scale }, (_, i) => [
    `/lines/L${i}/qty`,
    `/lines/L${i}/price`,
  ]).flat(),
];

/**
 * `count` scenarios of `branches` branches, each with 4 ops. With probability `overlap` an op
 * targets a small pool shared by all branches (so they collide); otherwise a path no other
 * branch of the scenario touches. One op in four adds a tag.
 */
export const scenarios = (
  count: number,
  scale: number,
  branches: number,
  overlap: number,
  seed = 7,
): Scenario[] => {
  const r = createRandom(seed);
  const paths = fieldPaths(scale);
  const hot = paths.slice(0, 4);
  const cold = paths.slice(4);
  return Array.from({ length: count }, () => ({
    base: invoice(scale, r),
    branches: Array.from({ length: branches }, (_, b) => ({
      confidence: 0.5 + b * 0.05,
      ops: Array.from({ length: OPS_PER_BRANCH }, (_, k) =>
        branchOp(r, b, k, branches, hot, cold, overlap),
      ),
    })),
  }));
};

const branchOp = (
  r: Random,
  b: number,
  k: number,
  n: number,
  hot: string[],
  cold: string[],
  overlap: number,
): Op => {
  const confidence = 0.5 + b * 0.05;
  if (k === 3) return { op: 'add', path: '/tags', value: `t${b}`, confidence };
  const mine = cold.filter((_, i) => i % n === b);
  const path = r.chance(overlap) ? r.pick(hot) : r.pick(mine);
  return { op: 'set', path, value: r.int(0, 1000), confidence };
};
