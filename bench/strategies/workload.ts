import { createRandom, type Random } from '../../src/demo/random';
import type { EntityRef } from '../../src/events/schemas/common';
import { totalOf, type Invoice, type Line } from './invoice';

/** What one branch does; its values are fixed by the workload, its inputs by what it reads. */
export type Task =
  /** Sets the line's category if nothing more confident is there (as far as it can see). */
  | { kind: 'classify'; sku: string; category: string; confidence: number }
  /** Takes `cents` off the price it read. */
  | { kind: 'discount'; sku: string; cents: number }
  /** Points the invoice at another vendor if that vendor is active (as far as it can see). */
  | { kind: 'switch-vendor'; vendorId: string }
  /** Marks a vendor removed. */
  | { kind: 'remove-vendor'; vendorId: string }
  /** Writes total and summary computed from what it read; `stale` ones read very early. */
  | { kind: 'summarize'; stale: boolean };

/** One branch of an entity's script, in ticks (event-loop turns) after the entity started. */
export interface BranchPlan {
  index: number;
  /** The entity it writes: the invoice, or the vendor for `remove-vendor`. */
  target: EntityRef;
  phase: 'reasoning' | 'enrichment' | 'compression';
  task: Task;
  start: number;
  /** Ticks between reading and the first write. */
  think: number;
  /** Ticks between the first write (its task's) and the second (its tag). */
  gap: number;
  /** Dies after its first write: never writes its tag, never finishes. */
  crash: boolean;
  /** Writes only after the compression phase started (a straggler). */
  late: boolean;
}

export interface EntityPlan {
  id: string;
  initial: Invoice;
  branches: BranchPlan[];
}

export interface Workload {
  seed: number;
  /** Enrichment branches per entity. */
  parallelism: number;
  /** Expected share of enrichment branches that write a field another branch also writes. */
  overlap: number;
  /** Every vendor, created active before the run. */
  vendors: string[];
  entities: EntityPlan[];
}

/** The orchestrator closes the enrichment phase this many ticks after an entity started. */
export const WINDOW = 50;
/** Barriers give up waiting for the enrichment branches this many ticks after the start. */
export const BARRIER_TIMEOUT = 90;
/** Per entity: a straggler, a crashed branch, a vendor switch, a stale summarizer. */
export const HAZARDS = { late: 0.15, crash: 0.15, switchVendor: 0.15, staleSummary: 0.15 };
const VENDOR_POOL = 20;
const CATEGORIES = ['food', 'tools', 'travel', 'office', 'software', 'freight', 'energy'];

const shuffle = <T>(r: Random, items: T[]): T[] => {
  for (let i = items.length - 1; i > 0; i--) {
    const j = r.int(0, i);
    [items[i], items[j]] = [items[j]!, items[i]!];
  }
  return items;
};

/** Sizes 2..4 summing to `count` (no group of one). */
const groupSizes = (r: Random, count: number): number[] => {
  const sizes: number[] = [];
  for (let left = count; left > 0;) {
    const size = left <= 4 ? left : r.int(2, 3);
    sizes.push(size);
    left -= size;
  }
  return sizes;
};

/**
 * The line tasks of one entity: `overlap` decides how many branches share a line (and a
 * field) with others. Within a group, confidences are distinct and discounts distinct powers
 * of two times a unit, so no two sets of a group's discounts add up to the same amount.
 */
const lineTasks = (r: Random, count: number, overlap: number): Task[] => {
  let shared = Array.from({ length: count }, () => r.chance(overlap)).filter(Boolean).length;
  if (shared === 1) shared = count >= 2 && r.chance(0.5) ? 2 : 0;
  const tasks: Task[] = [];
  let line = 0;
  const sku = () => `L${++line}`;
  for (const size of groupSizes(r, shared)) {
    const at = sku();
    const confidences = shuffle(
      r,
      Array.from({ length: 60 }, (_, i) => (40 + i) / 100),
    );
    const powers = shuffle(r, [1, 2, 4, 8]);
    const unit = r.int(1, 9);
    const classify = r.chance(0.5);
    for (let m = 0; m < size; m++)
      tasks.push(
        classify
          ? { kind: 'classify', sku: at, category: r.pick(CATEGORIES), confidence: confidences[m]! }
          : { kind: 'discount', sku: at, cents: unit * powers[m]! },
      );
  }
  for (let i = shared; i < count; i++)
    tasks.push(
      r.chance(0.5)
        ? {
            kind: 'classify',
            sku: sku(),
            category: r.pick(CATEGORIES),
            confidence: r.int(40, 99) / 100,
          }
        : { kind: 'discount', sku: sku(), cents: r.int(1, 120) },
    );
  return shuffle(r, tasks);
};

const linesOf = (r: Random, count: number): Line[] =>
  Array.from({ length: count }, (_, i) => ({
    sku: `L${i + 1}`,
    qty: r.int(1, 9),
    price: r.int(1000, 99_999),
  }));

const entityPlan = (r: Random, e: number, parallelism: number, overlap: number): EntityPlan => {
  const id = `INV-${e + 1}`;
  const invoice: EntityRef = { type: 'invoice', id };
  const switching = parallelism >= 2 && r.chance(HAZARDS.switchVendor);
  const tasks = lineTasks(r, parallelism - (switching ? 1 : 0), overlap);
  const lines = linesOf(r, Math.max(4, tasks.length));
  const initial: Invoice = {
    number: `2026-${String(e + 1).padStart(6, '0')}`,
    vendorId: `V-${r.int(0, VENDOR_POOL - 1)}`,
    lines,
    tags: [],
    total: totalOf(lines),
  };
  const branches: BranchPlan[] = [];
  const add = (p: Omit<BranchPlan, 'index' | 'crash' | 'late' | 'gap'> & Partial<BranchPlan>) =>
    branches.push({ index: branches.length, crash: false, late: false, gap: r.int(1, 4), ...p });
  for (const task of tasks)
    add({ target: invoice, phase: 'enrichment', task, start: r.int(0, 9), think: r.int(2, 29) });
  if (tasks.length > 0 && r.chance(HAZARDS.late)) r.pick(branches).late = true;
  const steady = branches.filter((b) => !b.late);
  if (steady.length > 0 && r.chance(HAZARDS.crash)) r.pick(steady).crash = true;
  if (switching) {
    // The vendor-dedup agent reads the vendor active; half the time a clean-up removes it
    // a few ticks later, before the agent writes.
    const doomed = r.chance(0.5);
    const vendorId = `${doomed ? 'V-X' : 'V-Y'}${e + 1}`;
    const start = r.int(0, 5);
    add({
      target: invoice,
      phase: 'enrichment',
      task: { kind: 'switch-vendor', vendorId },
      start,
      think: 20,
    });
    if (doomed)
      add({
        target: { type: 'vendor', id: vendorId },
        phase: 'reasoning',
        task: { kind: 'remove-vendor', vendorId },
        start: start + 2,
        think: 6,
      });
  }
  add({
    target: invoice,
    phase: 'compression',
    task: { kind: 'summarize', stale: false },
    start: WINDOW,
    think: r.int(3, 7),
  });
  if (r.chance(HAZARDS.staleSummary))
    add({
      target: invoice,
      phase: 'compression',
      task: { kind: 'summarize', stale: true },
      start: 0,
      think: 2,
    });
  return { id, initial, branches };
};

/** A seeded workload: the same entities, branches, values and timings for every strategy. */
export const createWorkload = (options: {
  seed: number;
  parallelism: number;
  overlap: number;
  entities: number;
}): Workload => {
  const { seed, parallelism, overlap } = options;
  const r = createRandom(seed);
  const entities = Array.from({ length: options.entities }, (_, e) =>
    entityPlan(r, e, parallelism, overlap),
  );
  const switched = entities.flatMap((p) =>
    p.branches.flatMap((b) => (b.task.kind === 'switch-vendor' ? [b.task.vendorId] : [])),
  );
  const pool = Array.from({ length: VENDOR_POOL }, (_, i) => `V-${i}`);
  return { seed, parallelism, overlap, vendors: [...pool, ...switched], entities };
};
