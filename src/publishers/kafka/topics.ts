import type { Admin } from 'kafkajs';
import { ValidationError } from '../../events/errors';
import { BrokerRefusedError, BrokerUnavailableError, translateKafkaError } from './kafkaErrors';

/** The topics of one Driftless installation, all under one prefix. */
export interface TopicNames {
  /** `<prefix>.snapshots.<entityType>`: promoted snapshots, keyed by entity id. */
  snapshots(entityType: string): string;
  /** `<prefix>.quarantine`: quarantined branches, when the sink publishes them. */
  quarantine: string;
  /** `<prefix>.checkpoints`: compacted; the exactly-once publisher's checkpoint. */
  checkpoints: string;
  /** `<prefix>.dead-letter`: records the consumer SDK could not accept, with the reason. */
  deadLetter: string;
}

const PREFIX = /^[a-zA-Z0-9._-]{1,200}$/;

export const topicNames = (prefix: string): TopicNames => {
  if (!PREFIX.test(prefix))
    throw new ValidationError(
      [
        {
          path: '/kafkaPrefix',
          expected: 'up to 200 of a-z A-Z 0-9 . _ -',
          received: JSON.stringify(prefix),
          message: 'not a valid Kafka topic prefix',
        },
      ],
      'invalid Kafka topic prefix',
    );
  return {
    snapshots: (entityType) => `${prefix}.snapshots.${entityType}`,
    quarantine: `${prefix}.quarantine`,
    checkpoints: `${prefix}.checkpoints`,
    deadLetter: `${prefix}.dead-letter`,
  };
};

/** How topics are created when missing (existing topics are left as they are). */
export interface TopicSettings {
  /** Partitions of each snapshot topic. @defaultValue 6 */
  partitions?: number;
  /** @defaultValue 3, or the number of brokers when fewer */
  replicationFactor?: number;
  /** Extra topic configs for the snapshot topics, e.g. `{ 'retention.ms': '-1' }`. */
  configs?: Record<string, string>;
}

/** One topic to provision. */
export interface TopicSpec {
  topic: string;
  /** Log compaction (keeps the last record per key); the checkpoint topic is compacted. */
  compacted?: boolean;
  /** @defaultValue the settings' partitions */
  partitions?: number;
}

/**
 * Creates the topics that do not exist yet (retrying what the brokers call retriable). A broker that refuses (bad replication factor,
 * not authorized, invalid config) is a BrokerRefusedError naming the topics and the reason.
 */
export const provisionTopics = async (
  admin: Admin,
  specs: readonly TopicSpec[],
  settings: TopicSettings = {},
): Promise<string[]> => {
  // Metadata of a topic just created may lag behind (UNKNOWN_TOPIC_OR_PARTITION): try again.
  for (let attempt = 1; ; attempt++)
    try {
      return await provisionOnce(admin, specs, settings);
    } catch (error) {
      if (!(error instanceof BrokerUnavailableError) || attempt === 5) throw error;
      await new Promise((r) => setTimeout(r, 100 * attempt));
    }
};

const provisionOnce = async (
  admin: Admin,
  specs: readonly TopicSpec[],
  settings: TopicSettings,
): Promise<string[]> => {
  try {
    const existing = new Set(await admin.listTopics());
    const missing = specs.filter((s) => !existing.has(s.topic));
    if (missing.length === 0) return [];
    const brokers = (await admin.describeCluster()).brokers.length;
    const replicationFactor = settings.replicationFactor ?? Math.min(3, brokers);
    await admin.createTopics({
      waitForLeaders: true,
      topics: missing.map((s) => ({
        topic: s.topic,
        numPartitions: s.partitions ?? settings.partitions ?? 6,
        replicationFactor,
        configEntries: Object.entries({
          ...(s.compacted === true ? {} : settings.configs),
          ...(s.compacted === true ? { 'cleanup.policy': 'compact' } : {}),
        }).map(([name, value]) => ({ name, value })),
      })),
    });
    return missing.map((s) => s.topic);
  } catch (error) {
    const topics = specs.map((s) => s.topic).join(', ');
    const translated = translateKafkaError(error, `provisioning topics ${topics}`);
    if (translated.retriable) throw translated;
    const detail = (error as { errors?: { type?: string; message?: string }[] }).errors
      ?.map((e) => e.type ?? e.message)
      .join(', ');
    throw new BrokerRefusedError(
      `the broker refused to create topics ${topics}: ${detail ?? translated.message}`,
      error,
    );
  }
};
