import { driftReport, type Bucket, type DriftReport } from '../audit/driftReport';
import type { LogPoint } from '../audit/replaySource';
import type { ServiceConfig } from '../service/config';
import { openService } from '../service/openService';

type Print = (text: string) => void;

const bar = (count: number, max: number) =>
  '#'.repeat(max === 0 ? 0 : Math.ceil((count / max) * 30));

const histogram = (buckets: Bucket[], unit: string) => {
  const max = Math.max(...buckets.map((b) => b.count));
  return buckets.map((b, i) => {
    const low = i === 0 ? undefined : buckets[i - 1]!.le;
    const range =
      b.le === null
        ? `> ${low}`
        : low === undefined
          ? b.le === 0
            ? '0'
            : `0-${b.le}`
          : low === null || b.le === low + 1
            ? `${b.le}`
            : `${low + 1}-${b.le}`;
    return `      ${`${range} ${unit}`.padEnd(18)} ${String(b.count).padStart(7)}  ${bar(b.count, max)}`;
  });
};

const table = (counts: Record<string, number>, empty: string) => {
  const rows = Object.entries(counts).sort(([a, x], [b, y]) => y - x || a.localeCompare(b));
  return rows.length === 0
    ? [`      ${empty}`]
    : rows.map(([k, n]) => `      ${k.padEnd(34)} ${String(n).padStart(7)}`);
};

const describe = (r: DriftReport) => {
  const l = r.promotionLatencyMs;
  return [
    `drift${r.since === undefined ? '' : ` since ${'position' in r.since ? `position ${r.since.position}` : r.since.time}`}: ${r.promotions} promotions, ${r.quarantines} quarantines`,
    `  staleness at merge (promotions behind the head; mean ${r.stalenessAtMerge.mean.toFixed(2)}, max ${r.stalenessAtMerge.max})`,
    ...histogram(r.stalenessAtMerge.buckets, ''),
    '  conflicts per path',
    ...table(r.conflictsByPath, 'none'),
    '  resolutions per rule',
    ...table(r.resolutionsByRule, 'none'),
    '  quarantines per code',
    ...table(r.quarantinesByCode, 'none'),
    `  promotion latency (commit → promoted): p50 ${l.p50} ms, p90 ${l.p90} ms, p99 ${l.p99} ms, max ${l.max} ms over ${l.count}`,
    ...histogram(l.buckets, 'ms'),
  ].join('\n');
};

/** `driftless drift [--since position | time]`: drift metrics from the log. */
export const driftCommand = async (
  config: ServiceConfig,
  args: { since?: LogPoint; json: boolean },
  out: Print = console.log,
): Promise<number> => {
  const service = await openService(config);
  try {
    const report = await driftReport({
      log: service.log,
      ...(args.since === undefined ? {} : { since: args.since }),
    });
    out(args.json ? JSON.stringify(report) : describe(report));
    return 0;
  } finally {
    await service.close();
  }
};
