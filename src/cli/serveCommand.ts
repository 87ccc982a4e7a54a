import { followDriftMetrics } from '../audit/driftMetrics';
import { describeLog, type ServiceConfig } from '../service/config';
import { startMetricsServer, type Health } from '../service/metricsServer';
import { openService, type OpenService } from '../service/openService';
import { runService } from '../service/runService';
import { registerServiceGauges } from '../service/serviceGauges';
import { quarantineLines } from './quarantineLines';
import { retryLines } from './retryLines';
import { catchUpProgress } from './catchUp';

const ZERO = { promoted: 0, quarantined: 0, expired: 0, sealed: 0, lostRaces: 0, published: 0 };
type Totals = typeof ZERO;

const describe = (t: Totals) =>
  `promoted ${t.promoted}, quarantined ${t.quarantined}, expired ${t.expired}, sealed ${t.sealed}, lost races ${t.lostRaces}, published ${t.published}`;

/** Drift and service metrics at `/metrics` while the service runs, when a port is configured. */
const serveMetrics = async (
  service: OpenService,
  signal: AbortSignal,
  out: (l: string) => void,
  health: () => Health,
) => {
  const port = service.config.metricsPort;
  if (port === undefined) return async () => {};
  const metrics = followDriftMetrics({ log: service.log, signal, entities: service.registry });
  const followed = metrics.done.catch((error: unknown) =>
    out(`drift metrics stopped: ${error instanceof Error ? error.message : String(error)}`),
  );
  registerServiceGauges(metrics.registry, service);
  const server = await startMetricsServer({ port, registry: metrics.registry, health });
  out(
    `drift metrics on http://127.0.0.1:${server.port}/metrics, health on http://127.0.0.1:${server.port}/health`,
  );
  return async () => {
    await server.close();
    await followed;
  };
};

/**
 * `driftless serve`: promoter and publisher until SIGINT or SIGTERM, which finish the round in
 * progress and close cleanly. Prints what it did at most once a second, on stderr; serves
 * drift metrics for Prometheus when `metricsPort` is set.
 */
export const serveCommand = async (
  config: ServiceConfig,
  out: (line: string) => void = (line) => process.stderr.write(`${line}\n`),
): Promise<number> => {
  let oversize = 0;
  // The first round catches the projections up with the log: long on a fresh state file.
  const catchUp = catchUpProgress({ out });
  const quarantines = quarantineLines(out);
  const service = await openService(config, {
    onQuarantined: quarantines.quarantined,
    onApplied: catchUp.onApplied,
    onRejected: (r) =>
      out(
        `rejected the event at log position ${r.position} (${r.type} on ${r.stream}): ${r.reason}`,
      ),
    onSkipped: (r) =>
      out(
        `not published: the event at log position ${r.position} (${r.type} on ${r.stream}): ${r.reason}`,
      ),
    onOversize: (o) => {
      oversize += 1;
      out(
        `version ${o.versionId} of ${o.entity.type} ${o.entity.id} (log position ${o.position}) is ${o.bytes} bytes, over kafkaMaxMessageBytes: not published to ${o.topic}; a notice went to ${config.kafka?.prefix}.dead-letter`,
      );
    },
  });
  const stop = new AbortController();
  const onSignal = () => stop.abort();
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  const worker =
    config.worker === undefined
      ? 'all entities'
      : `worker ${config.worker.index}/${config.worker.count}`;
  const sink = config.kafka
    ? `Kafka ${config.kafka.brokers.join(',')} (${config.kafka.mode}, topics ${config.kafka.prefix}.*)`
    : 'the embedded topic';
  out(
    `driftless serve: ${describeLog(config.log)} (state ${config.state}), entity types ${[...service.registry.keys()].join(', ')}, ${worker}, publishing to ${sink}`,
  );
  const retries = retryLines(out);
  const total = { ...ZERO };
  let pending = { ...ZERO };
  let lastLine = 0;
  let stopMetrics = async () => {};
  try {
    // Only for the progress lines: a log not up yet is the rounds' to wait for, not a failure.
    catchUp.start(service.promoter.position(), await service.log.endPosition().catch(() => 0));
    stopMetrics = await serveMetrics(service, stop.signal, out, retries.health);
    await runService({
      log: service.log,
      promoter: service.promoter,
      publish: service.publish,
      signal: stop.signal,
      onRetry: retries.failed,
      onRound: (round, published) => {
        retries.succeeded();
        catchUp.finish();
        const counts = { ...round, published };
        for (const key of Object.keys(ZERO) as (keyof Totals)[]) {
          total[key] += counts[key];
          pending[key] += counts[key];
        }
        if (Object.values(pending).some((n) => n > 0) && Date.now() - lastLine >= 1000) {
          out(describe(pending));
          pending = { ...ZERO };
          lastLine = Date.now();
        }
      },
    });
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    stop.abort();
    await stopMetrics();
    await service.close();
    quarantines.flush();
  }
  const deadLettered = oversize > 0 ? ` (${oversize} of them too large: dead-letter notices)` : '';
  out(`stopped; in total ${describe(total)}${deadLettered}`);
  return 0;
};
