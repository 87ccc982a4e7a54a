import { cpus } from 'node:os';
import type { BenchArgs } from '../args';
import type { StrategyRow } from './measurePoint';

const pct = (share: number) => `${(share * 100).toFixed(1)}%`;
const int = (n: number) => Math.round(n).toLocaleString('en-US');
const ms = (n: number) => (n < 10 ? n.toFixed(2) : n.toFixed(0));
const round = (n: number, digits: number) => Math.round(n * 10 ** digits) / 10 ** digits;

/** The issue's two targets, each checked at every point it names. */
export const targets = (rows: readonly StrategyRow[]) => {
  const driftless = rows.filter((r) => r.strategy === 'driftless');
  const atEight = driftless
    .filter((r) => r.parallelism === 8)
    .map((d) => {
      const naive = rows.find(
        (r) => r.strategy === 'naive' && r.parallelism === 8 && r.overlap === d.overlap,
      );
      return { overlap: d.overlap, ratio: naive ? d.branchesPerSec / naive.branchesPerSec : NaN };
    });
  return {
    zeroSilentCorruption: driftless.every((r) => r.silentCorruption === 0),
    throughputVsNaiveAt8: atEight,
    halfOfNaiveAt8: atEight.length > 0 && atEight.every((a) => a.ratio >= 0.5),
  };
};

const jsonRow = (r: StrategyRow) => ({
  ...r,
  silentCorruption: round(r.silentCorruption, 4),
  surfaced: round(r.surfaced, 4),
  correct: round(r.correct, 4),
  branchesPerSec: Math.round(r.branchesPerSec),
  p50LatencyMs: round(r.p50LatencyMs, 2),
  p99LatencyMs: round(r.p99LatencyMs, 2),
});

const table = (rows: readonly StrategyRow[]): string[] => {
  const head = [
    'strategy',
    'branches/entity',
    'overlap',
    'silent',
    'surfaced',
    'correct',
    'branches/s',
    'p50 ms',
    'p99 ms',
  ];
  const body = rows.map((r) => [
    r.strategy,
    String(r.parallelism),
    pct(r.overlap).replace('.0', ''),
    pct(r.silentCorruption),
    pct(r.surfaced),
    pct(r.correct),
    int(r.branchesPerSec),
    ms(r.p50LatencyMs),
    ms(r.p99LatencyMs),
  ]);
  const widths = head.map((h, i) => Math.max(h.length, ...body.map((b) => b[i]!.length)));
  const line = (cells: string[]) =>
    cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ');
  return [line(head), ...body.map(line)];
};

export const printStrategiesReport = (
  args: BenchArgs,
  rows: readonly StrategyRow[],
  chart: string | undefined,
): void => {
  const machine = {
    cpus: cpus().length,
    cpu: cpus()[0]?.model ?? 'unknown CPU',
    node: process.version,
  };
  const t = targets(rows);
  if (args.json) {
    console.log(
      JSON.stringify({
        rows: rows.map(jsonRow),
        targets: t,
        chart,
        command: args.command,
        machine,
      }),
    );
    return;
  }
  const refusals: Record<string, number> = {};
  for (const r of rows)
    for (const [code, n] of Object.entries(r.refusals)) refusals[code] = (refusals[code] ?? 0) + n;
  const verdict = (ok: boolean) => (ok ? 'PASS' : 'FAIL');
  const ratios = t.throughputVsNaiveAt8.map(
    (a) => `${pct(a.overlap).replace('.0', '')}: ${a.ratio.toFixed(2)}x`,
  );
  console.log(
    [
      'Strategies benchmark: naive shared state, barriers and Driftless on one seeded workload, judged by a serial-execution oracle',
      `command: ${args.command}`,
      `machine: ${machine.cpus} x ${machine.cpu}, node ${machine.node}`,
      '',
      ...table(rows),
      '',
      `Driftless refusals: ${
        Object.entries(refusals)
          .map(([c, n]) => `${c} ${n}`)
          .join(', ') || 'none'
      }`,
      ...(chart === undefined ? [] : [`chart: ${chart}`]),
      '',
      `${verdict(t.zeroSilentCorruption)}  Driftless has zero silent corruption at every point`,
      `${verdict(t.halfOfNaiveAt8)}  Driftless >= 0.5x naive throughput at 8 branches per entity (${ratios.join(', ') || 'not measured'})`,
    ].join('\n'),
  );
};
