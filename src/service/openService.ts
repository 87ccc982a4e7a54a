import { createEventStoreDbEventLog } from '../events/esdb/eventStoreDbEventLog';
import type { EventLog } from '../events/eventLog';
import { createSqliteEventLog } from '../events/sqlite/sqliteEventLog';
import type { EntityRegistry } from '../projections/defineEntity';
import { openProjectionStore, type ProjectionStore } from '../projections/projectionStore';
import { createPromoter, type Promoter } from '../promoter/promoter';
import { createEmbeddedTopic, type EmbeddedTopic } from '../publishers/embedded/embeddedTopic';
import { createPublisher } from '../publishers/publisher';
import type { ServiceConfig } from './config';
import { loadEntities } from './loadEntities';

/** The parts of a running service, opened from its configuration. */
export interface OpenService {
  config: ServiceConfig;
  registry: EntityRegistry;
  log: EventLog;
  store: ProjectionStore;
  topic: EmbeddedTopic;
  promoter: Promoter;
  /** Publishes promoted snapshots not yet in the topic; resolves with how many went out. */
  publish: () => Promise<number>;
  close(): Promise<void>;
}

/** The configured log: a SQLite file, or an EventStoreDB server. */
export const openLog = (config: Pick<ServiceConfig, 'log' | 'pollMs'>): EventLog =>
  config.log.kind === 'sqlite'
    ? createSqliteEventLog({ path: config.log.path, pollIntervalMs: config.pollMs })
    : createEventStoreDbEventLog({ connectionString: config.log.connectionString });

/**
 * Log, projections, promoter and embedded topic. On SQLite all in the log's file, which the
 * log polls for other processes' appends every `pollMs`, so several services can share it.
 * On EventStoreDB the projections and the embedded topic live in the `state` file, a cache
 * of the log: deleted, it is rebuilt from $all (and the topic refilled) on the next start.
 * The publisher's checkpoint stays with the topic it fills, in that file.
 */
export const openService = async (config: ServiceConfig): Promise<OpenService> => {
  const registry = await loadEntities(config.entities);
  const log = openLog(config);
  const store = openProjectionStore(config.state);
  const topic = createEmbeddedTopic({ path: config.state });
  const promoter = createPromoter({
    log,
    store,
    registry,
    ...(config.worker === undefined ? {} : { worker: config.worker }),
    ...(config.maxStaleness === undefined ? {} : { gate: { maxStaleness: config.maxStaleness } }),
  });
  const publisher = createPublisher({ log, sink: topic, store });
  return {
    config,
    registry,
    log,
    store,
    topic,
    promoter,
    publish: publisher.catchUp,
    close: async () => {
      await topic.close();
      store.close();
      await log.close();
    },
  };
};
