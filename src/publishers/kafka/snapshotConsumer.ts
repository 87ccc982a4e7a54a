import * as E from 'fp-ts/Either';
import {
  Partitioners,
  type Admin,
  type Consumer,
  type EachBatchPayload,
  type KafkaMessage,
} from 'kafkajs';
import type { RetryPolicy } from '../../sdk/retry';
import { acceptSnapshot, type ReceivedSnapshot } from './acceptSnapshot';
import { createKafkaClient, type KafkaConnection } from './kafkaClient';
import { BrokerUnavailableError, translateKafkaError } from './kafkaErrors';
import { provisionTopics, topicNames, type TopicSettings } from './topics';

/** The depth last applied per entity; keep it with the handler's own state to survive restarts. */
export interface AppliedDepths {
  get(entityKey: string): number | undefined;
  set(entityKey: string, depth: number): void;
}

export interface SnapshotConsumerOptions extends KafkaConnection {
  groupId: string;
  /** Entity types to consume: the topics `<prefix>.snapshots.<entityType>`. */
  entityTypes: readonly string[];
  /** Called once per new version of an entity, in the entity's order; offsets commit after it resolves. */
  handler: (snapshot: ReceivedSnapshot) => Promise<void> | void;
  /** @defaultValue 'driftless' */
  prefix?: string;
  /** Where a new group starts. @defaultValue true (every snapshot still in the topics) */
  fromBeginning?: boolean;
  /** @defaultValue an in-memory map */
  applied?: AppliedDepths;
  /** How the dead-letter topic is created when missing. @defaultValue 1 partition */
  deadLetterTopic?: TopicSettings;
  /** How long to wait for the snapshot topics to exist (the publisher creates them). @defaultValue 60000 */
  waitForTopicsMs?: number;
  /**
   * How often the handler is tried on one snapshot, the pause before the second try doubling
   * after each. A snapshot it still fails on goes to the dead-letter topic with the last error,
   * and consumption goes on: one snapshot the handler cannot take never holds up the others.
   * @defaultValue { attempts: 5, initialDelayMs: 100 }
   */
  handlerRetry?: RetryPolicy;
}

const HANDLER_RETRY: RetryPolicy = { attempts: 5, initialDelayMs: 100 };

/** What the consumer did so far. */
export interface ConsumerStats {
  /** Records read. */
  received: number;
  /** Snapshots the handler took. */
  delivered: number;
  /** Versions at or below the depth already applied for their entity (repeats and stale ones). */
  dropped: number;
  /** Records sent to the dead-letter topic: not snapshots, or snapshots the handler failed on. */
  deadLettered: number;
}

export interface SnapshotConsumer {
  stats(): ConsumerStats;
  /** Leaves the group after the record in progress. */
  stop(): Promise<void>;
}

const entityKey = (s: ReceivedSnapshot) => `${s.entity.type}/${s.entity.id}`;

/** The publisher provisions the snapshot topics; a consumer started first waits for them. */
const waitForTopics = async (admin: Admin, topics: readonly string[], timeoutMs: number) => {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const existing = new Set(await admin.listTopics());
    const missing = topics.filter((t) => !existing.has(t));
    if (missing.length === 0) return;
    if (Date.now() > deadline)
      throw new BrokerUnavailableError(
        `the snapshot topics ${missing.join(', ')} do not exist after ${timeoutMs} ms (is the publisher running with this prefix?)`,
      );
    await new Promise((r) => setTimeout(r, 200));
  }
};

/**
 * The consumer SDK: reads the snapshot topics read_committed, checks each envelope (zod) and
 * its hash, sends what fails to `<prefix>.dead-letter` with the reason and goes on, drops
 * versions not deeper than the last applied for their entity (repeats after a publisher crash,
 * stale versions), and hands the rest to `handler` in order, committing offsets after it.
 */
export const createSnapshotConsumer = async (
  options: SnapshotConsumerOptions,
): Promise<SnapshotConsumer> => {
  const topics = topicNames(options.prefix ?? 'driftless');
  const typeOf = new Map(options.entityTypes.map((t) => [topics.snapshots(t), t]));
  const applied: AppliedDepths = options.applied ?? new Map<string, number>();
  const stats: ConsumerStats = { received: 0, delivered: 0, dropped: 0, deadLettered: 0 };
  const kafka = createKafkaClient(options);
  const admin = kafka.admin();
  const producer = kafka.producer({
    idempotent: true,
    maxInFlightRequests: 1,
    createPartitioner: Partitioners.DefaultPartitioner,
  });
  const consumer: Consumer = kafka.consumer({ groupId: options.groupId, maxWaitTimeInMs: 100 });
  try {
    await admin.connect();
    await provisionTopics(
      admin,
      [{ topic: topics.deadLetter, partitions: options.deadLetterTopic?.partitions ?? 1 }],
      options.deadLetterTopic,
    );
    await waitForTopics(admin, [...typeOf.keys()], options.waitForTopicsMs ?? 60_000);
    await admin.disconnect();
    await producer.connect();
    await consumer.connect();
    await consumer.subscribe({
      topics: [...typeOf.keys()],
      fromBeginning: options.fromBeginning ?? true,
    });
  } catch (error) {
    await Promise.all([admin, producer, consumer].map((c) => c.disconnect().catch(() => null)));
    throw translateKafkaError(error, `starting the snapshot consumer of group ${options.groupId}`);
  }

  const deadLetter = async (topic: string, partition: number, m: KafkaMessage, reason: string) => {
    await producer.send({
      topic: topics.deadLetter,
      acks: -1,
      messages: [
        {
          key: m.key,
          value: m.value,
          headers: {
            ...m.headers,
            'dlq-reason': reason,
            'dlq-topic': topic,
            'dlq-partition': String(partition),
            'dlq-offset': m.offset,
            'dlq-group': options.groupId,
          },
        },
      ],
    });
    stats.deadLettered += 1;
  };

  /** Undefined once the handler took it; why not, after its last attempt failed. */
  const deliver = async (snapshot: ReceivedSnapshot, batch: EachBatchPayload) => {
    const { attempts, initialDelayMs } = options.handlerRetry ?? HANDLER_RETRY;
    for (let attempt = 1; ; attempt++) {
      try {
        await options.handler(snapshot);
        return undefined;
      } catch (error) {
        // Leaving the group: the snapshot stays uncommitted, for whoever takes the partition.
        if (!batch.isRunning()) throw error;
        const text = error instanceof Error ? error.message : String(error);
        if (attempt >= attempts) return `handler failed ${attempt} times: ${text}`;
        await new Promise((r) => setTimeout(r, initialDelayMs * 2 ** (attempt - 1)));
        await batch.heartbeat();
      }
    }
  };

  const handle = async (
    topic: string,
    partition: number,
    m: KafkaMessage,
    payload: EachBatchPayload,
  ) => {
    stats.received += 1;
    const source = { topic, partition, offset: m.offset };
    const accepted = acceptSnapshot(m.value, source, typeOf.get(topic) ?? '');
    if (E.isLeft(accepted)) return deadLetter(topic, partition, m, accepted.left);
    const snapshot = accepted.right;
    const last = applied.get(entityKey(snapshot));
    if (last !== undefined && snapshot.depth <= last) return void (stats.dropped += 1);
    const failure = await deliver(snapshot, payload);
    if (failure !== undefined) return deadLetter(topic, partition, m, failure);
    applied.set(entityKey(snapshot), snapshot.depth);
    stats.delivered += 1;
  };

  const eachBatch = async (payload: EachBatchPayload) => {
    const { batch } = payload;
    for (const m of batch.messages) {
      if (!payload.isRunning() || payload.isStale()) return;
      await handle(batch.topic, batch.partition, m, payload);
      payload.resolveOffset(m.offset);
      await payload.heartbeat();
    }
  };
  await consumer.run({ eachBatch, eachBatchAutoResolve: false });

  return {
    stats: () => ({ ...stats }),
    stop: async () => {
      await consumer.disconnect();
      await producer.disconnect();
    },
  };
};
