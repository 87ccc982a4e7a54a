import { performance } from 'node:perf_hooks';
import { decide } from './agents';
import { createClock, type Clock } from './clock';
import type { Outcome, Runtime } from './runtime';
import type { BranchPlan, EntityPlan, Workload } from './workload';

export interface RunResult {
  outcome: Outcome;
  /** Wall time from the first branch to the last one settled. */
  seconds: number;
  branches: number;
  /** Per finished branch: ms held back (barrier, seal) plus ms from its last write to settled. */
  latenciesMs: number[];
}

const deferred = () => {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => (resolve = r));
  return { promise, resolve };
};

interface EntityRun {
  runtime: Runtime;
  clock: Clock;
  entity: EntityPlan;
  base: number;
  compressionStarted: ReturnType<typeof deferred>;
  richFinished: ReturnType<typeof deferred>;
  latencies: number[];
}

/** One branch of the script: start, (wait), read, think, write, (crash), tag, settle. */
const runBranch = async (run: EntityRun, branch: BranchPlan) => {
  const { runtime, clock, entity } = run;
  await clock.at(run.base + branch.start);
  // Held back: how long the strategy kept it from starting (barrier, seal), measured by the
  // strategy, not by when this continuation got its turn.
  const asked = performance.now();
  const rich = branch.task.kind === 'summarize' && !branch.task.stale;
  const sealed = rich ? await runtime.closeEnrichment(entity) : asked;
  const entered = await runtime.enter(entity, branch);
  const heldMs = Math.max(0, Math.max(sealed, entered) - asked);
  const session = await runtime.open(entity, branch);
  const steps = decide(branch.task, session.read);
  if (rich) run.compressionStarted.resolve();
  if (branch.late) await run.compressionStarted.promise;
  await clock.after(branch.think);
  if (branch.task.kind === 'summarize' && branch.task.stale) {
    await run.richFinished.promise;
    await clock.after(2);
  }
  let last = steps.first;
  if (steps.second !== undefined) {
    if (steps.first.length > 0) await session.write(steps.first);
    if (branch.crash) return;
    await clock.after(branch.gap);
    last = steps.second;
  }
  const finishing = performance.now();
  await session.finish(last);
  if (rich) run.richFinished.resolve();
  run.latencies.push(heldMs + (await session.settledAt()) - finishing);
};

const runEntity = async (
  runtime: Runtime,
  clock: Clock,
  entity: EntityPlan,
  latencies: number[],
) => {
  runtime.begin(entity, clock);
  const run: EntityRun = {
    runtime,
    clock,
    entity,
    base: clock.now(),
    compressionStarted: deferred(),
    richFinished: deferred(),
    latencies,
  };
  await Promise.all(entity.branches.map((b) => runBranch(run, b)));
};

/**
 * Runs a workload on a strategy: entities start as others finish, at most `inFlight` at once
 * (a closed loop, so latency is not a backlog artefact), each entity's branches concurrently
 * on their script. Setup and the final collection are not timed.
 */
export const runWorkload = async (
  runtime: Runtime,
  workload: Workload,
  inFlight: number,
): Promise<RunResult> => {
  await runtime.setup(workload);
  const clock = createClock();
  const latencies: number[] = [];
  const start = performance.now();
  let next = 0;
  const lane = async () => {
    while (next < workload.entities.length)
      await runEntity(runtime, clock, workload.entities[next++]!, latencies);
  };
  await Promise.all(Array.from({ length: Math.max(1, inFlight) }, lane));
  const seconds = (performance.now() - start) / 1000;
  clock.stop();
  const outcome = await runtime.collect(workload);
  const branches = workload.entities.reduce((n, e) => n + e.branches.length, 0);
  return { outcome, seconds, branches, latenciesMs: latencies };
};
