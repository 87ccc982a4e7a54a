import type { EventLog, RecordedEvent } from '../events/eventLog';
import { streamNames, type StreamNames } from '../events/streams';
import { createDriftObserver, type DriftObservation } from './driftObservations';
import { checkLogPoint, type LogPoint } from './replaySource';

/** Upper bounds of the staleness buckets, in promotions behind the head. */
export const STALENESS_BUCKETS = [0, 1, 2, 3, 5, 8, 13, 21] as const;
/** Upper bounds of the promotion latency buckets, in milliseconds. */
export const LATENCY_BUCKETS_MS = [5, 10, 25, 50, 100, 250, 500, 1000, 2500, 5000, 10000, 60000];

/** How many observations fell at or below `le` (and above the previous bound); null: above all. */
export interface Bucket {
  le: number | null;
  count: number;
}

export interface DriftReport {
  /** Only what was recorded at or after this (position or time); absent: the whole log. */
  since?: LogPoint;
  promotions: number;
  quarantines: number;
  /** Promotions the merged branch's base was behind the head, per promoted version. */
  stalenessAtMerge: { buckets: Bucket[]; mean: number; max: number };
  /** Paths both sides changed, by how often. */
  conflictsByPath: Record<string, number>;
  /** How those conflicts were settled: by rule, or `unresolved` (the branch was quarantined). */
  resolutionsByRule: Record<string, number>;
  /** Quarantined branches by violation code (a branch counts once per code it had). */
  quarantinesByCode: Record<string, number>;
  /** From a branch's commit to its promotion, by the log's recorded times. */
  promotionLatencyMs: {
    count: number;
    p50: number;
    p90: number;
    p99: number;
    max: number;
    buckets: Bucket[];
  };
}

const histogram = (bounds: readonly number[], values: readonly number[]): Bucket[] => {
  const buckets: Bucket[] = [...bounds.map((le) => ({ le, count: 0 })), { le: null, count: 0 }];
  for (const v of values) {
    const i = bounds.findIndex((le) => v <= le);
    buckets[i < 0 ? bounds.length : i]!.count += 1;
  }
  return buckets;
};

const quantile = (sorted: Float64Array, q: number) =>
  sorted.length === 0 ? 0 : sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)]!;

const bump = (into: Record<string, number>, key: string) => (into[key] = (into[key] ?? 0) + 1);

/** Folds observations into a report. */
export const createDriftAggregate = () => {
  const staleness: number[] = [];
  const latencies: number[] = [];
  const conflictsByPath: Record<string, number> = {};
  const resolutionsByRule: Record<string, number> = {};
  const quarantinesByCode: Record<string, number> = {};
  let quarantines = 0;
  return {
    add: (o: DriftObservation) => {
      if (o.kind === 'promotion') {
        staleness.push(o.staleness);
        if (o.latencyMs !== undefined) latencies.push(o.latencyMs);
      } else if (o.kind === 'conflict') {
        bump(conflictsByPath, o.path);
        bump(resolutionsByRule, o.rule);
      } else {
        quarantines += 1;
        for (const code of o.codes) bump(quarantinesByCode, code);
      }
    },
    report: (since?: LogPoint): DriftReport => {
      const sorted = Float64Array.from(latencies).sort();
      return {
        ...(since === undefined ? {} : { since }),
        promotions: staleness.length,
        quarantines,
        stalenessAtMerge: {
          buckets: histogram(STALENESS_BUCKETS, staleness),
          mean:
            staleness.length === 0 ? 0 : staleness.reduce((a, b) => a + b, 0) / staleness.length,
          max: Math.max(0, ...staleness),
        },
        conflictsByPath,
        resolutionsByRule,
        quarantinesByCode,
        promotionLatencyMs: {
          count: sorted.length,
          p50: quantile(sorted, 0.5),
          p90: quantile(sorted, 0.9),
          p99: quantile(sorted, 0.99),
          max: sorted.at(-1) ?? 0,
          buckets: histogram(LATENCY_BUCKETS_MS, latencies),
        },
      };
    },
  };
};

/**
 * `driftless drift`: staleness at merge, conflicts per path, resolutions per rule, quarantines
 * per code and promotion latency, from the log alone. With `since`, only promotions and
 * quarantines recorded from then on count (commits before it still date their latency).
 */
export const driftReport = async (options: {
  log: EventLog;
  since?: LogPoint;
  /** @defaultValue streamNames('driftless') */
  streams?: StreamNames;
  /** Events read per page. @defaultValue 1000 */
  pageSize?: number;
}): Promise<DriftReport> => {
  const { log, since, pageSize = 1000, streams = streamNames() } = options;
  await checkLogPoint(log, since, 'since');
  const observe = createDriftObserver();
  const aggregate = createDriftAggregate();
  const counts = (e: RecordedEvent) => since === undefined || !isBefore(since, e);
  for (let from = 0; ;) {
    const page = await log.readAll({
      fromPosition: from === 0 ? 'start' : from,
      limit: pageSize,
      // By stream, not by event type: a filter on several types makes SQLite sort each page.
      filter: { streamPrefixes: [streams.branchPrefix, streams.entityPrefix] },
    });
    for (const event of page) {
      const observations = observe(event);
      if (!counts(event)) continue;
      observations.forEach(aggregate.add);
    }
    if (page.length < pageSize) return aggregate.report(since);
    from = page.at(-1)!.position + 1;
  }
};

const isBefore = (since: LogPoint, e: RecordedEvent) =>
  'position' in since
    ? e.position < since.position
    : Date.parse(e.metadata.recordedAt) < Date.parse(since.time);
