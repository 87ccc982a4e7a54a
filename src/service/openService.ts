import type { EventLog } from '../events/eventLog';
import { createSqliteEventLog } from '../events/sqlite/sqliteEventLog';
import type { EntityRegistry } from '../projections/defineEntity';
import { openProjectionStore, type ProjectionStore } from '../projections/projectionStore';
import { createPromoter, type Promoter } from '../promoter/promoter';
import { createEmbeddedTopic } from '../publishers/embedded/embeddedTopic';
import { createKafkaSink } from '../publishers/kafka/kafkaSink';
import { createPublisher } from '../publishers/publisher';
import type { SnapshotSink } from '../publishers/snapshotSink';
import type { KafkaSettings, ServiceConfig } from './config';
import { loadEntities } from './loadEntities';

/** The parts of a running service, opened from its configuration. */
export interface OpenService {
  config: ServiceConfig;
  registry: EntityRegistry;
  log: EventLog;
  store: ProjectionStore;
  promoter: Promoter;
  /**
   * Publishes promoted snapshots not yet in the sink (the embedded topic, or Kafka when
   * configured, connected on the first call); resolves with how many went out.
   */
  publish: () => Promise<number>;
  close(): Promise<void>;
}

const kafkaSink = (kafka: KafkaSettings, registry: EntityRegistry) =>
  createKafkaSink({
    brokers: kafka.brokers,
    prefix: kafka.prefix,
    mode: kafka.mode,
    entityTypes: [...registry.keys()],
    quarantines: kafka.quarantines,
    topics: {
      partitions: kafka.partitions,
      ...(kafka.replicationFactor === undefined
        ? {}
        : { replicationFactor: kafka.replicationFactor }),
    },
  });

/**
 * Log, projections and promoter in the configured SQLite file, publishing to the embedded
 * topic in the same file or to Kafka. The log looks for other processes' appends every
 * `pollMs`, so several services can share the file.
 */
export const openService = async (config: ServiceConfig): Promise<OpenService> => {
  const registry = await loadEntities(config.entities);
  const { path } = config.log;
  const log = createSqliteEventLog({ path, pollIntervalMs: config.pollMs });
  const store = openProjectionStore(path);
  const promoter = createPromoter({
    log,
    store,
    registry,
    ...(config.worker === undefined ? {} : { worker: config.worker }),
    ...(config.maxStaleness === undefined ? {} : { gate: { maxStaleness: config.maxStaleness } }),
  });
  // Each destination keeps its own place in the log.
  const name = config.kafka ? `kafka:${config.kafka.prefix}` : 'publisher';
  let sink: SnapshotSink | undefined;
  let publisher: ReturnType<typeof createPublisher> | undefined;
  const publish = async () => {
    // Opened on first use (commands that only read never reach Kafka); a failed start is retried.
    sink ??= config.kafka ? await kafkaSink(config.kafka, registry) : createEmbeddedTopic({ path });
    publisher ??= createPublisher({ log, sink, store, name });
    return publisher.catchUp();
  };
  return {
    config,
    registry,
    log,
    store,
    promoter,
    publish,
    close: async () => {
      await sink?.close();
      store.close();
      await log.close();
    },
  };
};
