import {
  createWorkload,
  type BranchPlan,
  type EntityPlan,
  type Workload,
} from '../../bench/strategies/workload';
import { measurePoint, type Strategy } from '../../bench/strategies/measurePoint';
import { expectedView, finished, judge } from '../../bench/strategies/oracle';
import { totalOf, type Invoice } from '../../bench/strategies/invoice';
import type { JsonObject } from '../../src/reconcilers/json';

const INV = { type: 'invoice', id: 'INV-1' };
const lines = [
  { sku: 'L1', qty: 2, price: 1000 },
  { sku: 'L2', qty: 1, price: 5000 },
];
const initial: Invoice = { number: 'N-1', vendorId: 'V-1', lines, tags: [], total: totalOf(lines) };

/** A hand-written entity: the given enrichment branches, then one summarizer. */
const entity = (enrichment: Partial<BranchPlan>[]): EntityPlan => {
  const branches: BranchPlan[] = [
    ...enrichment,
    {
      phase: 'compression' as const,
      task: { kind: 'summarize' as const, stale: false },
      start: 50,
      think: 3,
    },
  ].map((b, index) => ({
    index,
    target: INV,
    phase: 'enrichment',
    start: 0,
    think: 5,
    gap: 1,
    crash: false,
    late: false,
    task: { kind: 'summarize', stale: false },
    ...b,
  }));
  return { id: INV.id, initial, branches };
};
const workloadOf = (plan: EntityPlan): Workload => ({
  seed: 0,
  parallelism: 2,
  overlap: 1,
  vendors: ['V-1'],
  entities: [plan],
});

const run = async (strategy: Strategy, workload: Workload) =>
  measurePoint(strategy, workload, 'OFF');

describe('the strategies benchmark: oracle', () => {
  const twoDiscounts = entity([
    { task: { kind: 'discount', sku: 'L1', cents: 10 }, think: 5 },
    { task: { kind: 'discount', sku: 'L1', cents: 20 }, think: 9 },
  ]);

  it('expects what a serial run of the branches leaves: both discounts, a summary of them', () => {
    const view = expectedView(twoDiscounts, finished);
    const l1 = (view.lines as JsonObject[])[0]!;
    expect(l1.price).toBe(970);
    expect(view.total).toBe(2 * 970 + 5000);
    expect(view.tags).toEqual(['discounted-L1']);
    expect(view.summary).toContain('total 6940');
  });

  it('does not depend on the order branches run in within a phase', () => {
    for (const seed of [1, 2, 3]) {
      const [plan] = createWorkload({ seed, parallelism: 16, overlap: 0.9, entities: 1 }).entities;
      const n = plan!.branches.length;
      const reversed = {
        ...plan!,
        branches: plan!.branches.map((b) => ({ ...b, index: n - 1 - b.index })),
      };
      expect(expectedView(reversed, finished)).toEqual(expectedView(plan!, finished));
    }
  });

  it('tells correct, surfaced and silent apart', () => {
    const right = expectedView(twoDiscounts, finished);
    expect(judge(twoDiscounts, right, new Set())).toBe('correct');
    // Only the first discount landed: right for what was accepted when the second was refused.
    const onlyFirst = expectedView(twoDiscounts, (b) => b.index !== 1);
    expect(judge(twoDiscounts, onlyFirst, new Set([1]))).toBe('surfaced');
    expect(judge(twoDiscounts, onlyFirst, new Set())).toBe('silent');
    expect(judge(twoDiscounts, onlyFirst, new Set([0]))).toBe('silent');
  });
});

describe('the strategies benchmark: executors', () => {
  it('naive loses an update that barriers and Driftless keep', async () => {
    const disjoint = workloadOf(
      entity([
        { task: { kind: 'discount', sku: 'L1', cents: 10 }, think: 5 },
        { task: { kind: 'discount', sku: 'L2', cents: 20 }, think: 9 },
      ]),
    );
    expect((await run('naive', disjoint)).silentCorruption).toBe(1);
    expect((await run('barriers', disjoint)).correct).toBe(1);
    expect((await run('driftless', disjoint)).correct).toBe(1);
  });

  it('barriers still corrupt silently on a stale read; Driftless refuses it with a reason', async () => {
    // Both discounts read the price at tick 0; the second writes a price computed from it
    // after the first wrote: the lock keeps the write whole, yet the first discount is gone.
    const stale = workloadOf(
      entity([
        { task: { kind: 'discount', sku: 'L1', cents: 10 }, think: 5 },
        { task: { kind: 'discount', sku: 'L1', cents: 20 }, think: 9 },
      ]),
    );
    expect((await run('barriers', stale)).silentCorruption).toBe(1);
    const driftless = await run('driftless', stale);
    expect(driftless).toMatchObject({ silentCorruption: 0, surfaced: 1 });
    expect(driftless.refusals).toEqual({ UNRESOLVED_CONFLICT: 1 });
  });

  it('on a generated workload with overlap: naive and barriers corrupt silently, Driftless never', async () => {
    const workload = createWorkload({ seed: 5, parallelism: 8, overlap: 0.5, entities: 30 });
    const naive = await run('naive', workload);
    const barriers = await run('barriers', workload);
    const driftless = await run('driftless', workload);
    expect(naive.silentCorruption).toBeGreaterThan(0.8);
    expect(barriers.silentCorruption).toBeGreaterThan(0.2);
    expect(barriers.silentCorruption).toBeLessThan(naive.silentCorruption);
    expect(driftless.silentCorruption).toBe(0);
    expect(driftless.surfaced).toBeGreaterThan(0);
    expect(driftless.correct).toBeGreaterThan(naive.correct);
  });
});
