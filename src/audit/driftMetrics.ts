import { Counter, Histogram, Registry } from 'prom-client';
import type { EventLog } from '../events/eventLog';
import { formatPointer, parsePointer } from '../events/jsonPointer';
import { streamNames, type StreamNames } from '../events/streams';
import type { EntityRegistry } from '../projections/defineEntity';
import { createDriftObserver, type DriftObservation } from './driftObservations';
import { LATENCY_BUCKETS_MS, STALENESS_BUCKETS } from './driftReport';

/** The drift figures of `driftless drift` as Prometheus metrics, fed as the log grows. */
export interface DriftMetrics {
  registry: Registry;
  /** Resolves once the log was followed up to `signal`'s abort (or the log closed). */
  done: Promise<void>;
  /** Position of the last event counted. */
  position(): number;
}

const metricsIn = (registry: Registry) => ({
  staleness: new Histogram({
    name: 'driftless_staleness_at_merge',
    help: 'Promotions the base of each promoted branch was behind the head',
    buckets: [...STALENESS_BUCKETS],
    registers: [registry],
  }),
  latency: new Histogram({
    name: 'driftless_promotion_latency_seconds',
    help: "From a branch's commit to its promotion, by the log's recorded times",
    buckets: LATENCY_BUCKETS_MS.map((ms) => ms / 1000),
    registers: [registry],
  }),
  conflicts: new Counter({
    name: 'driftless_conflicts_total',
    help: 'Paths both sides changed, by entity type and path (keyed-array elements as *)',
    labelNames: ['entity_type', 'path'],
    registers: [registry],
  }),
  resolutions: new Counter({
    name: 'driftless_resolutions_total',
    help: "Conflicts by the rule that settled them ('unresolved': quarantined)",
    labelNames: ['rule'],
    registers: [registry],
  }),
  quarantines: new Counter({
    name: 'driftless_quarantines_total',
    help: 'Quarantined branches by violation code (once per code a branch had)',
    labelNames: ['code'],
    registers: [registry],
  }),
  quarantinedBranches: new Counter({
    name: 'driftless_quarantined_branches_total',
    help: 'Branches sent to quarantine',
    registers: [registry],
  }),
});

/**
 * A conflict's path as a label: each keyed-array element key becomes an asterisk (the L1 of
 * /lines/L1/price), so the label's values are bounded by the schema, not by the data (element
 * keys such as SKUs or ids would each make a time series).
 */
const pathPattern =
  (entities: EntityRegistry | undefined) =>
  (entityType: string, path: string): string => {
    const rules = entities?.get(entityType)?.rules;
    const segments = parsePointer(path);
    if (rules === undefined || !rules.hasCollections || segments === undefined) return path;
    return formatPointer(
      segments.map((s, i) =>
        i > 0 && rules.collectionAt(segments, i)?.kind === 'keyed' ? '*' : s,
      ),
    );
  };

/**
 * Follows the log from its start (a subscription, so memory stays at one page) and counts
 * what `driftless drift` reports, into a prom-client registry for `/metrics`.
 */
export const followDriftMetrics = (options: {
  log: EventLog;
  signal: AbortSignal;
  /** @defaultValue streamNames('driftless') */
  streams?: StreamNames;
  /** The entity types, so keyed-array elements in paths become `*` (else paths as they are). */
  entities?: EntityRegistry;
}): DriftMetrics => {
  const streams = options.streams ?? streamNames();
  const registry = new Registry();
  const m = metricsIn(registry);
  const pattern = pathPattern(options.entities);
  const record = (o: DriftObservation) => {
    if (o.kind === 'promotion') {
      m.staleness.observe(o.staleness);
      if (o.latencyMs !== undefined) m.latency.observe(o.latencyMs / 1000);
    } else if (o.kind === 'conflict') {
      m.conflicts.inc({ entity_type: o.entityType, path: pattern(o.entityType, o.path) });
      m.resolutions.inc({ rule: o.rule });
    } else {
      m.quarantinedBranches.inc();
      for (const code of o.codes) m.quarantines.inc({ code });
    }
  };
  const observe = createDriftObserver();
  let position = 0;
  const done = (async () => {
    const events = options.log.subscribe({
      filter: { streamPrefixes: [streams.branchPrefix, streams.entityPrefix] },
      signal: options.signal,
    });
    for await (const event of events) {
      observe(event).forEach(record);
      position = event.position;
    }
  })();
  return { registry, done, position: () => position };
};
