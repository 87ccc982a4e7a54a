import type { ServiceConfig } from '../service/config';
import { openService } from '../service/openService';
import { runService } from '../service/runService';

const ZERO = { promoted: 0, quarantined: 0, expired: 0, sealed: 0, lostRaces: 0, published: 0 };
type Totals = typeof ZERO;

const describe = (t: Totals) =>
  `promoted ${t.promoted}, quarantined ${t.quarantined}, expired ${t.expired}, sealed ${t.sealed}, lost races ${t.lostRaces}, published ${t.published}`;

/**
 * `driftless serve`: promoter and publisher until SIGINT or SIGTERM, which finish the round in
 * progress and close cleanly. Prints what it did at most once a second, on stderr.
 */
export const serveCommand = async (
  config: ServiceConfig,
  out: (line: string) => void = (line) => process.stderr.write(`${line}\n`),
): Promise<number> => {
  const service = await openService(config);
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
    `driftless serve: sqlite:${config.log.path}, entity types ${[...service.registry.keys()].join(', ')}, ${worker}, publishing to ${sink}`,
  );
  const total = { ...ZERO };
  let pending = { ...ZERO };
  let lastLine = 0;
  try {
    await runService({
      log: service.log,
      promoter: service.promoter,
      publish: service.publish,
      signal: stop.signal,
      onRetry: (error) => out(`round failed, retrying: ${error.message}`),
      onRound: (round, published) => {
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
    await service.close();
  }
  out(`stopped; in total ${describe(total)}`);
  return 0;
};
