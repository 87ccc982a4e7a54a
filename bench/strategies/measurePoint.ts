import { join } from 'node:path';
import type { SynchronousMode } from '../../src/events/sqlite/openDatabase';
import { withTempDir } from '../measure';
import { createBarrierRuntime } from './barriers';
import { createDriftlessRuntime } from './driftless';
import { createNaiveRuntime } from './naive';
import { judge, type Verdict } from './oracle';
import type { Runtime } from './runtime';
import { runWorkload } from './world';
import type { Workload } from './workload';

export const STRATEGIES = {
  naive: createNaiveRuntime,
  barriers: createBarrierRuntime,
  driftless: createDriftlessRuntime,
} satisfies Record<string, (o: { path: string; synchronous: SynchronousMode }) => Runtime>;
export type Strategy = keyof typeof STRATEGIES;

/** One strategy at one point of the sweep: what the table, the JSON and the chart show. */
export interface StrategyRow {
  strategy: Strategy;
  parallelism: number;
  overlap: number;
  entities: number;
  branches: number;
  /** Shares of entities, 0..1: wrong with no signal, wrong only where refused with a reason, right. */
  silentCorruption: number;
  surfaced: number;
  correct: number;
  branchesPerSec: number;
  p50LatencyMs: number;
  p99LatencyMs: number;
  /** Branches refused, by reason (Driftless's violation codes). */
  refusals: Record<string, number>;
}

/** Branches in flight at once: entities start as others end, this many branches' worth. */
export const IN_FLIGHT_BRANCHES = 512;
/** ...and never fewer entities than this, so high parallelism still runs entities side by side. */
export const MIN_IN_FLIGHT_ENTITIES = 4;

const quantile = (sorted: readonly number[], q: number) =>
  sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? NaN;

/** Runs `workload` on `strategy` in a fresh SQLite file and judges every entity. */
export const measurePoint = (
  strategy: Strategy,
  workload: Workload,
  synchronous: SynchronousMode,
): Promise<StrategyRow> =>
  withTempDir(async (dir) => {
    const runtime = STRATEGIES[strategy]({ path: join(dir, `${strategy}.sqlite`), synchronous });
    const inFlight = Math.max(
      MIN_IN_FLIGHT_ENTITIES,
      Math.ceil(IN_FLIGHT_BRANCHES / workload.parallelism),
    );
    const result = await runWorkload(runtime, workload, inFlight).finally(() => runtime.close());
    const verdicts: Record<Verdict, number> = { correct: 0, surfaced: 0, silent: 0 };
    for (const entity of workload.entities) {
      const final = result.outcome.finals.get(entity.id);
      if (final === undefined) throw new Error(`bench: ${strategy} lost invoice ${entity.id}`);
      verdicts[judge(entity, final, result.outcome.surfaced.get(entity.id) ?? new Set())] += 1;
    }
    const n = workload.entities.length;
    const sorted = [...result.latenciesMs].sort((a, b) => a - b);
    return {
      strategy,
      parallelism: workload.parallelism,
      overlap: workload.overlap,
      entities: n,
      branches: result.branches,
      silentCorruption: verdicts.silent / n,
      surfaced: verdicts.surfaced / n,
      correct: verdicts.correct / n,
      branchesPerSec: result.branches / result.seconds,
      p50LatencyMs: quantile(sorted, 0.5),
      p99LatencyMs: quantile(sorted, 0.99),
      refusals: result.outcome.reasons,
    };
  });
