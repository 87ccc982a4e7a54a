import { Partitioners, type Producer, type TopicMessages } from 'kafkajs';
import type { PublishContext, Snapshot, SnapshotSink } from '../snapshotSink';
import { checkpointRecord, readCheckpoint } from './checkpointTopic';
import { createKafkaClient, type KafkaConnection } from './kafkaClient';
import { withDeadline, settleWithin } from './deadline';
import { BrokerRefusedError, BrokerUnavailableError, translateKafkaError } from './kafkaErrors';
import { produceRequests, recordsByTopic, type OversizeSnapshot } from './produceRequests';
import { provisionTopics, topicNames, type TopicNames, type TopicSettings } from './topics';

/**
 * `at-least-once`: the publisher's checkpoint (in the projection store) moves after the
 * brokers acknowledged; a crash in between sends the last batch again, and the consumer SDK
 * drops the repeats. `exactly-once`: each batch and the checkpoint go in one Kafka
 * transaction, so read_committed consumers never see a repeat.
 */
export type DeliveryMode = 'at-least-once' | 'exactly-once';

export interface KafkaSinkOptions extends KafkaConnection {
  /** Topics are `<prefix>.snapshots.<entityType>`, `<prefix>.quarantine`... @defaultValue 'driftless' */
  prefix?: string;
  /** @defaultValue 'at-least-once' */
  mode?: DeliveryMode;
  /** Entity types whose topics are provisioned on start; others are provisioned on first use. */
  entityTypes?: readonly string[];
  /** Also publish BranchQuarantined to `<prefix>.quarantine`. @defaultValue false */
  quarantines?: boolean;
  topics?: TopicSettings;
  /** The checkpoint's key and, in exactly-once mode, the transactional id's suffix. @defaultValue 'publisher' */
  name?: string;
  /**
   * Longest wait for one publish (or the exactly-once start: fencing, reading the checkpoint);
   * past it the producer is dropped and the call fails with BROKER_UNAVAILABLE. @defaultValue 120000
   */
  timeoutMs?: number;
  /**
   * Largest record the sink sends, in bytes; snapshot topics it creates get it as their
   * `max.message.bytes`. A larger snapshot is not sent: a notice (version, entity, position,
   * size) goes to `<prefix>.dead-letter` instead, so one document cannot stop publishing.
   * @defaultValue 1000000 (brokers' default is 1048588)
   */
  maxMessageBytes?: number;
  /** Told of each snapshot dead-lettered for its size, after its batch was acknowledged. */
  onOversize?: (snapshot: OversizeSnapshot) => void;
}

export interface KafkaSink extends SnapshotSink {
  readonly mode: DeliveryMode;
  readonly topics: TopicNames;
}

/**
 * The Kafka adapter of the SnapshotSink port: provisions its topics on start, then publishes
 * each snapshot to `<prefix>.snapshots.<entityType>`, keyed by entity id (per-entity order),
 * with an idempotent producer and acks from all in-sync replicas.
 */
export const createKafkaSink = async (options: KafkaSinkOptions): Promise<KafkaSink> => {
  const { prefix = 'driftless', mode = 'at-least-once', name = 'publisher' } = options;
  const timeoutMs = options.timeoutMs ?? 120_000;
  const maxMessageBytes = options.maxMessageBytes ?? 1_000_000;
  const topicSettings: TopicSettings = {
    ...options.topics,
    configs: { 'max.message.bytes': String(maxMessageBytes), ...options.topics?.configs },
  };
  const topics = topicNames(prefix);
  const exactlyOnce = mode === 'exactly-once';
  const kafka = createKafkaClient(options);
  const admin = kafka.admin();
  const provisioned = new Set<string>();
  const ensureTopics = async (
    specs: { topic: string; compacted?: boolean; partitions?: number }[],
  ) => {
    const missing = specs.filter((s) => !provisioned.has(s.topic));
    if (missing.length === 0) return;
    await provisionTopics(admin, missing, topicSettings);
    for (const s of missing) provisioned.add(s.topic);
  };
  try {
    await admin.connect();
    await ensureTopics([
      ...(options.entityTypes ?? []).map((t) => ({ topic: topics.snapshots(t) })),
      ...(options.quarantines === true ? [{ topic: topics.quarantine }] : []),
      ...(exactlyOnce ? [{ topic: topics.checkpoints, compacted: true, partitions: 1 }] : []),
    ]);
  } catch (error) {
    await admin.disconnect();
    throw translateKafkaError(error, `starting the Kafka sink on ${options.brokers.join(',')}`);
  }

  let producer: Producer | undefined;
  /** Moves on each reset: a producer that became ready too late for its caller is dropped. */
  let generation = 0;
  let checkpoint = 0;
  /** A producer ready to send; in exactly-once mode it fenced its predecessors and read the checkpoint. */
  const ready = async (): Promise<Producer> => {
    if (producer) return producer;
    const started = generation;
    const p = kafka.producer({
      idempotent: true,
      maxInFlightRequests: 1,
      createPartitioner: Partitioners.DefaultPartitioner,
      ...(exactlyOnce ? { transactionalId: `${prefix}.${name}` } : {}),
    });
    try {
      await p.connect();
      if (exactlyOnce) {
        await (await p.transaction()).abort(); // InitProducerId: aborts what a crashed run left open
        checkpoint = await readCheckpoint(kafka, admin, topics.checkpoints, name);
      }
    } catch (error) {
      await settleWithin(p.disconnect(), 5000);
      throw error;
    }
    if (started !== generation) {
      await settleWithin(p.disconnect(), 5000);
      throw new BrokerUnavailableError('the producer became ready after its deadline');
    }
    return (producer = p);
  };
  /** After a failure the producer's state (and whether the last commit landed) is unknown. */
  const reset = async () => {
    const p = producer;
    producer = undefined;
    generation += 1;
    if (p) await settleWithin(p.disconnect(), 5000);
  };
  const send = async (p: Producer, requests: TopicMessages[][], position: number) => {
    if (!exactlyOnce) {
      for (const topicMessages of requests) await p.sendBatch({ topicMessages, acks: -1 });
      return;
    }
    // The checkpoint rides in the last request: one AddPartitionsToTxn, one produce, EndTxn.
    requests
      .at(-1)!
      .push({ topic: topics.checkpoints, messages: [checkpointRecord(name, position)] });
    const transaction = await p.transaction();
    try {
      for (const topicMessages of requests)
        await transaction.sendBatch({ topicMessages, acks: -1 });
      await transaction.commit();
    } catch (error) {
      await transaction.abort().catch(() => undefined);
      throw error;
    }
    checkpoint = position;
  };

  const publish = async (snapshots: readonly Snapshot[], context: PublishContext) => {
    const quarantines = options.quarantines === true ? context.quarantines : [];
    const { byTopic, oversize } = recordsByTopic(topics, snapshots, quarantines, maxMessageBytes);
    try {
      await ensureTopics(
        [...byTopic.keys()].map((topic) =>
          topic === topics.deadLetter ? { topic, partitions: 1 } : { topic },
        ),
      );
      const requests = produceRequests(byTopic, maxMessageBytes);
      await withDeadline(
        ready().then((p) => send(p, requests, context.position)),
        timeoutMs,
        `publishing ${snapshots.length} snapshots`,
      );
    } catch (error) {
      await reset();
      const translated = translateKafkaError(
        error,
        `publishing ${snapshots.length} snapshots to Kafka`,
      );
      if (!translated.message.includes('MESSAGE_TOO_LARGE')) throw translated;
      throw new BrokerRefusedError(
        `${translated.message}: a topic's max.message.bytes is below the sink's maxMessageBytes (${maxMessageBytes}); raise the topic's, or lower maxMessageBytes to it`,
        error,
      );
    }
    for (const o of oversize) options.onOversize?.(o);
  };

  return {
    mode,
    topics,
    quarantines: options.quarantines === true,
    publish,
    ...(exactlyOnce
      ? {
          checkpoint: async () => {
            try {
              await withDeadline(ready(), timeoutMs, 'starting the exactly-once producer');
            } catch (error) {
              await reset();
              throw translateKafkaError(error, 'reading the exactly-once checkpoint');
            }
            return checkpoint;
          },
        }
      : {}),
    close: async () => {
      await reset();
      await admin.disconnect();
    },
  };
};
