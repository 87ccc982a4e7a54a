import type { EventLog } from '../events/eventLog';
import { startBackgroundCheckpoints } from '../events/sqlite/backgroundCheckpoints';
import { createSqliteEventLog } from '../events/sqlite/sqliteEventLog';
import type { EntityRegistry } from '../projections/defineEntity';
import { openProjectionStore, type ProjectionStore } from '../projections/projectionStore';
import { createPromoter, type Promoter, type PromoterOptions } from '../promoter/promoter';
import { createEmbeddedTopic } from '../publishers/embedded/embeddedTopic';
import { createPublisher, type PublisherOptions } from '../publishers/publisher';
import type { OversizeSnapshot } from '../publishers/kafka/produceRequests';
import type { SnapshotSink } from '../publishers/snapshotSink';
import type { ServiceConfig } from './config';
import type { KafkaSettings } from './kafkaSettings';
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
   * configured, connected on the first call); resolves with how many went out. With a
   * signal, stops after the batch during which it aborted.
   */
  publish: (signal?: AbortSignal) => Promise<number>;
  close(): Promise<void>;
}

/**
 * The configured log: a SQLite file, or an EventStoreDB server. The EventStoreDB client (gRPC,
 * protobuf) and kafkajs are loaded on first use: together about half a second of start-up
 * that every command on a SQLite log, and every `--jobs` part, would otherwise pay.
 */
export const openLog = async (
  config: Pick<ServiceConfig, 'log' | 'pollMs' | 'maxEventBytes'>,
  options: { inlineCheckpoints?: boolean } = {},
): Promise<EventLog> => {
  const limit = config.maxEventBytes === undefined ? {} : { maxEventBytes: config.maxEventBytes };
  return config.log.kind === 'sqlite'
    ? createSqliteEventLog({
        path: config.log.path,
        pollIntervalMs: config.pollMs,
        ...limit,
        ...options,
      })
    : (await import('../events/esdb/eventStoreDbEventLog')).createEventStoreDbEventLog({
        connectionString: config.log.connectionString,
        ...limit,
      });
};

const kafkaSink = async (
  kafka: KafkaSettings,
  registry: EntityRegistry,
  onOversize: ((snapshot: OversizeSnapshot) => void) | undefined,
) =>
  (await import('../publishers/kafka/kafkaSink')).createKafkaSink({
    brokers: kafka.brokers,
    prefix: kafka.prefix,
    mode: kafka.mode,
    entityTypes: [...registry.keys()],
    quarantines: kafka.quarantines,
    maxMessageBytes: kafka.maxMessageBytes,
    ...(onOversize && { onOversize }),
    topics: {
      partitions: kafka.partitions,
      ...(kafka.replicationFactor === undefined
        ? {}
        : { replicationFactor: kafka.replicationFactor }),
    },
  });

/**
 * Log, projections, promoter, and the sink: the embedded topic, or Kafka when configured.
 * On SQLite the projections and the topic live in the log's file, which the log polls for
 * other processes' appends every `pollMs`, so several services can share it. On EventStoreDB
 * they live in the `state` file, a cache of the log: deleted, it is rebuilt from $all (and the
 * topic refilled) on the next start. The publisher's checkpoint stays with the data it
 * describes: in the state file for the embedded topic; for Kafka on EventStoreDB in a
 * checkpoint stream there, so a lost state file does not send everything again (in
 * exactly-once mode Kafka keeps it, in the publishing transaction).
 */
export const openService = async (
  config: ServiceConfig,
  /** What the promoter, the publisher and the Kafka sink tell as they go. */
  hooks: Pick<PromoterOptions, 'onApplied' | 'onRejected' | 'onQuarantined'> &
    Pick<PublisherOptions, 'onSkipped'> & {
      onOversize?: (snapshot: OversizeSnapshot) => void;
    } = {},
): Promise<OpenService> => {
  const registry = await loadEntities(config.entities);
  // WAL checkpoints of the SQLite files (state, and the log's when it has its own) in a thread
  // each: a commit on the promoter's path never stops to copy the WAL back.
  const files = new Set([config.state]);
  if (config.log.kind === 'sqlite') files.add(config.log.path);
  const walCheckpoints = [...files].map((path) => startBackgroundCheckpoints({ path }));
  const inline = { inlineCheckpoints: false };
  const log = await openLog(config, inline);
  const store = openProjectionStore(config.state, inline);
  const promoter = createPromoter({
    log,
    store,
    registry,
    ...(config.worker === undefined ? {} : { worker: config.worker }),
    ...(config.maxStaleness === undefined ? {} : { gate: { maxStaleness: config.maxStaleness } }),
    ...(hooks.onApplied && { onApplied: hooks.onApplied }),
    ...(hooks.onRejected && { onRejected: hooks.onRejected }),
    ...(hooks.onQuarantined && { onQuarantined: hooks.onQuarantined }),
  });
  const { kafka } = config;
  const publisherCheckpoints =
    kafka && config.log.kind === 'esdb'
      ? (await import('../events/esdb/checkpointStreams')).createEventStoreDbCheckpoints({
          connectionString: config.log.connectionString,
        })
      : undefined;
  // Each destination keeps its own place in the log.
  const name = kafka ? `kafka:${kafka.prefix}` : 'publisher';
  let sink: SnapshotSink | undefined;
  let publisher: ReturnType<typeof createPublisher> | undefined;
  const publish = async (signal?: AbortSignal) => {
    // Opened on first use (commands that only read never reach Kafka); a failed start is retried.
    sink ??= kafka
      ? await kafkaSink(kafka, registry, hooks.onOversize)
      : createEmbeddedTopic(
          // A state file of its own: the topic on the projections' connection, whose page cache
          // then survives each round (measured in `npm run bench -- pipeline --state-file`). In
          // the log's file the writers' commits empty it anyway; there a connection of its own
          // measured better.
          config.log.kind === 'sqlite' && config.log.path === config.state
            ? { path: config.state, ...inline }
            : { connection: store.db },
        );
    publisher ??= createPublisher({
      log,
      sink,
      store,
      name,
      ...(publisherCheckpoints && { checkpoints: publisherCheckpoints }),
      ...(hooks.onSkipped && { onSkipped: hooks.onSkipped }),
    });
    return publisher.catchUp(signal);
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
      await publisherCheckpoints?.close();
      store.close();
      await log.close();
      for (const c of walCheckpoints) await c.stop();
    },
  };
};
