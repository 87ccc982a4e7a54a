import { cpus } from 'node:os';
import { performance } from 'node:perf_hooks';
import * as E from 'fp-ts/Either';
import { createHeadProvenance } from '../src/reconcilers/headProvenance';
import type { JsonObject } from '../src/reconcilers/json';
import { compileMergeRules, type CompiledRules } from '../src/reconcilers/mergeRules';
import { reconcile } from '../src/reconcilers/reconcile';
import type { BenchArgs } from './args';
import { BENCH_RULES, scenarios, type Scenario } from './mergeData';
import { progress } from './measure';

const BRANCHES = [1, 3, 8] as const;
const OVERLAPS = [0.1, 0.5] as const;
const SCALES = [1, 10] as const;
const BUDGET_MS = 1500;
const TARGET = 30_000;

/** Folds a scenario's branches into the head one after another, as the promoter would. */
const foldBranches = (rules: CompiledRules, { base, branches }: Scenario): JsonObject => {
  const provenance = createHeadProvenance({
    branchIds: ['head'],
    phase: 'p',
    actor: 'head',
    confidence: 0,
  });
  let head = base;
  branches.forEach(({ ops }, i) => {
    const theirsBy = { branchIds: [`b${i}`], phase: 'p', actor: `agent-${i}` };
    const result = reconcile(rules, {
      base,
      ours: { doc: head, by: provenance.by },
      ops,
      theirsBy,
    });
    if (E.isLeft(result))
      throw new Error(`bench scenario did not merge: ${JSON.stringify(result.left)}`);
    head = result.right.doc;
    provenance.record(result.right.decisions, theirsBy);
  });
  return head;
};

/** Reconciles per second (each folding all of a scenario's branches) over pre-built scenarios. */
const rate = (rules: CompiledRules, pool: Scenario[]): number => {
  for (const s of pool.slice(0, 200)) foldBranches(rules, s); // warm-up
  let done = 0;
  const start = performance.now();
  while (performance.now() - start < BUDGET_MS)
    for (const s of pool) {
      foldBranches(rules, s);
      done++;
    }
  return done / ((performance.now() - start) / 1000);
};

export interface MergeRow {
  scale: number;
  branches: number;
  overlap: number;
  mergesPerSec: number;
  microsPerBranch: number;
}

/** `npm run bench -- merge`: reconciles per second on one core, by branches, overlap and size. */
export const run = async (args: BenchArgs): Promise<void> => {
  const rules = compileMergeRules(BENCH_RULES);
  const rows: MergeRow[] = [];
  for (const scale of SCALES)
    for (const branches of BRANCHES)
      for (const overlap of OVERLAPS) {
        progress(`merge: ${scale}x invoice, ${branches} branch(es), ${overlap * 100}% overlap...`);
        const mergesPerSec = rate(rules, scenarios(500, scale, branches, overlap));
        rows.push({
          scale,
          branches,
          overlap,
          mergesPerSec: Math.round(mergesPerSec),
          microsPerBranch: Math.round((1e6 / mergesPerSec / branches) * 10) / 10,
        });
      }
  report(args, rows);
};

const report = (args: BenchArgs, rows: MergeRow[]): void => {
  const three = rows.filter((r) => r.scale === 1 && r.branches === 3);
  const threeBranchMergesPerSec = Math.min(...three.map((r) => r.mergesPerSec));
  const machine = { cpus: cpus().length, node: process.version };
  if (args.json) {
    console.log(
      JSON.stringify({ threeBranchMergesPerSec, rows, command: 'npm run bench -- merge', machine }),
    );
    return;
  }
  const lines = [
    'Merge benchmark: invoice (~40 fields, 10 line items) and 10x; 4 ops per branch; one core',
    `command: npm run bench -- merge`,
    `machine: ${machine.cpus} x ${cpus()[0]?.model ?? 'unknown CPU'}, node ${machine.node}`,
    '',
    'size  branches  overlap   merges/s   µs per branch',
    ...rows.map(
      (r) =>
        `${`${r.scale}x`.padEnd(6)}${String(r.branches).padEnd(10)}${`${r.overlap * 100}%`.padEnd(8)}` +
        `${r.mergesPerSec.toLocaleString('en-US').padStart(10)}${String(r.microsPerBranch).padStart(16)}`,
    ),
    '',
    `${threeBranchMergesPerSec >= TARGET ? 'PASS' : 'FAIL'}  three-branch merges >= 30,000/s (${threeBranchMergesPerSec.toLocaleString('en-US')}/s, slowest overlap)`,
  ];
  console.log(lines.join('\n'));
};
