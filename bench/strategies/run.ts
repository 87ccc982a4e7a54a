import { resolve } from 'node:path';
import type { BenchArgs } from '../args';
import { progress } from '../measure';
import { strategiesSvg } from './chart';
import { measurePoint, STRATEGIES, type Strategy, type StrategyRow } from './measurePoint';
import { parseStrategiesOptions } from './options';
import { writePng } from './png';
import { printStrategiesReport } from './report';
import { createWorkload } from './workload';

/**
 * `npm run bench -- strategies`: the seed article's three strategies on the same seeded
 * workload, at every parallelism and overlap of the sweep; a table (or `--json`) and a chart.
 */
export const run = async (args: BenchArgs): Promise<void> => {
  const o = parseStrategiesOptions(args.own);
  const rows: StrategyRow[] = [];
  for (const parallelism of o.parallelism)
    for (const overlap of o.overlap) {
      const workload = createWorkload({
        seed: o.seed * 7919 + parallelism * 101 + Math.round(overlap * 100),
        parallelism,
        overlap,
        entities: Math.ceil(o.branches / parallelism),
      });
      for (const strategy of Object.keys(STRATEGIES) as Strategy[]) {
        const row = await measurePoint(strategy, workload, o.synchronous);
        progress(
          `strategies: ${strategy} x ${parallelism} branches/entity, overlap ${Math.round(overlap * 100)}%: ${Math.round(row.branchesPerSec)} branches/s, ${(row.silentCorruption * 100).toFixed(1)}% silent`,
        );
        rows.push(row);
      }
    }
  const subtitle = `${o.branches.toLocaleString('en-US')} branches per point, seed ${o.seed}, synchronous=${o.synchronous}`;
  const chart = resolve(o.chart);
  const failed = await writePng(strategiesSvg(rows, subtitle), chart);
  if (failed !== undefined) progress(`strategies: no chart: ${failed}`);
  printStrategiesReport(args, rows, failed === undefined ? chart : undefined);
};
