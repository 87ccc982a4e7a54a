import { Gauge, type Registry } from 'prom-client';
import type { OpenService } from './openService';

/**
 * What a running service has in hand, read at each scrape: committed branches waiting for the
 * promoter, branches in quarantine, and how far the projections are behind the log (positions
 * of the log's last event and of the last one applied: equal when caught up; on EventStoreDB
 * they are commit positions, so their difference is not an event count).
 */
export const registerServiceGauges = (registry: Registry, service: OpenService): void => {
  const { store, log, promoter } = service;
  const count = (sql: string) => (store.statement(sql).get() as { n: number }).n;
  new Gauge({
    name: 'driftless_committed_branches',
    help: 'Committed branches waiting for the promoter',
    registers: [registry],
    collect() {
      this.set(count("SELECT count(*) AS n FROM branches WHERE status = 'committed'"));
    },
  });
  new Gauge({
    name: 'driftless_quarantined_branches',
    help: 'Branches in quarantine now (released or discarded ones leave it)',
    registers: [registry],
    collect() {
      this.set(count('SELECT count(*) AS n FROM quarantine'));
    },
  });
  new Gauge({
    name: 'driftless_log_end_position',
    help: "Position of the log's last event",
    registers: [registry],
    async collect() {
      this.set(await log.endPosition());
    },
  });
  new Gauge({
    name: 'driftless_projections_position',
    help: 'Position of the last event the projections applied',
    registers: [registry],
    collect() {
      this.set(promoter.position());
    },
  });
};
