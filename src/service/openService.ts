import type { EventLog } from '../events/eventLog';
import { startBackgroundCheckpoints } from '../events/sqlite/backgroundCheckpoints';
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

/**
 * Log, projections, promoter and embedded topic, all in the configured SQLite file. The log
 * looks for other processes' appends every `pollMs`, so several services can share the file.
 */
export const openService = async (config: ServiceConfig): Promise<OpenService> => {
  const registry = await loadEntities(config.entities);
  const { path } = config.log;
  // Checkpoints in a thread of their own: a commit on the promoter's path never copies the WAL.
  const checkpoints = startBackgroundCheckpoints({ path });
  const inline = { inlineCheckpoints: false };
  const log = createSqliteEventLog({ path, pollIntervalMs: config.pollMs, ...inline });
  const store = openProjectionStore(path, inline);
  const topic = createEmbeddedTopic({ path, ...inline });
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
      await checkpoints.stop();
    },
  };
};
