import { jsonEqual, type JsonObject } from '../../src/reconcilers/json';
import { decide } from './agents';
import { viewOf } from './invoice';
import { applyLocal, readLocal, type LocalState } from './localState';
import type { BranchPlan, EntityPlan } from './workload';

/**
 * How an entity ended: `correct` (the state the oracle expects), `surfaced` (not that state,
 * but exactly the expected state of the branches the strategy accepted, every other branch
 * held back with a reason), or `silent` (wrong, and nothing says so).
 */
export type Verdict = 'correct' | 'surfaced' | 'silent';

const PHASE_ORDER = { reasoning: 0, enrichment: 1, compression: 2 } as const;

/**
 * The ground truth: the invoice one worker leaves when it runs the given branches one at a
 * time, phase by phase, each reading the state the previous one left (a serial execution
 * of the same agents). Agents are written so that this does not depend on the order within a
 * phase: the most confident classification stays, discounts add up, tags are a set, nobody
 * points at a removed vendor, and the summary describes the finished enrichment.
 */
export const expectedView = (
  plan: EntityPlan,
  runs: (branch: BranchPlan) => boolean,
): JsonObject => {
  let state: LocalState = { doc: plan.initial as unknown as JsonObject, confidences: {} };
  const removed = new Set<string>();
  const serial = plan.branches
    .filter(runs)
    .sort((a, b) => PHASE_ORDER[a.phase] - PHASE_ORDER[b.phase] || a.index - b.index);
  for (const branch of serial) {
    const steps = decide(
      branch.task,
      readLocal(state, (v) => !removed.has(v)),
    );
    if (branch.task.kind === 'remove-vendor') removed.add(branch.task.vendorId);
    else state = applyLocal(state, [...steps.first, ...(steps.second ?? [])]);
  }
  return viewOf(state.doc);
};

/** Branches that finished their work: all but the crashed ones. */
export const finished = (branch: BranchPlan): boolean => !branch.crash;

/**
 * Judges one entity's final document. `surfaced` holds the indexes of the branches the
 * strategy refused with a reason (Driftless: quarantined); naive and barriers refuse none.
 */
export const judge = (
  plan: EntityPlan,
  final: JsonObject,
  surfaced: ReadonlySet<number>,
): Verdict => {
  const view = viewOf(final);
  if (jsonEqual(view, expectedView(plan, finished))) return 'correct';
  const accepted = (b: BranchPlan) => finished(b) && !surfaced.has(b.index);
  if (surfaced.size > 0 && jsonEqual(view, expectedView(plan, accepted))) return 'surfaced';
  return 'silent';
};
