import type { Op } from '../../src/events/schemas/ops';
import type { JsonObject } from '../../src/reconcilers/json';
import type { ReadView } from './agents';
import type { Clock } from './clock';
import type { BranchPlan, EntityPlan, Workload } from './workload';

/** One branch's access to shared state, as its strategy provides it. */
export interface Session {
  /** What the branch read when it started. */
  read: ReadView;
  /** A write the branch will follow with more (a crashed branch stops after it). */
  write(ops: Op[]): Promise<void>;
  /** The branch's last write: its work is done. */
  finish(ops: Op[]): Promise<void>;
  /** Resolves with the time (performance.now()) its work was settled in shared state. */
  settledAt(): Promise<number>;
}

/** What a strategy ended with: every invoice's document and the branches it refused. */
export interface Outcome {
  finals: Map<string, JsonObject>;
  /** Per invoice, the indexes of branches refused with a reason. */
  surfaced: Map<string, Set<number>>;
  /** Refusals by reason (Driftless: violation codes). */
  reasons: Record<string, number>;
}

/**
 * The port the three strategies implement. The workload driver calls it; the strategy decides
 * what a read sees, what a write does, and what has to wait.
 */
export interface Runtime {
  /** Creates vendors and the invoices' first versions; not timed. */
  setup(workload: Workload): Promise<void>;
  /** An entity's script starts now. */
  begin(entity: EntityPlan, clock: Clock): void;
  /**
   * Before a branch of `branch.phase` may start (barriers hold compression here); resolves
   * with the time (performance.now()) the branch was let go.
   */
  enter(entity: EntityPlan, branch: BranchPlan): Promise<number>;
  /** The orchestrator closes an entity's enrichment phase (Driftless seals it); resolves when done, with the time. */
  closeEnrichment(entity: EntityPlan): Promise<number>;
  open(entity: EntityPlan, branch: BranchPlan): Promise<Session>;
  collect(workload: Workload): Promise<Outcome>;
  close(): Promise<void>;
}
