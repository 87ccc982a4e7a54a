import type { Admin, Kafka } from 'kafkajs';
import { ulid } from 'ulid';
import { settleWithin, withDeadline } from './deadline';
import { translateKafkaError } from './kafkaErrors';

/** The record a publisher writes to the compacted checkpoint topic, keyed by its name. */
export const checkpointRecord = (name: string, position: number) => ({
  key: name,
  value: JSON.stringify({ position }),
});

const positionOf = (value: Buffer | null): number => {
  const parsed = JSON.parse(value?.toString() ?? 'null') as { position?: unknown } | null;
  return typeof parsed?.position === 'number' ? parsed.position : 0;
};

/**
 * The last committed checkpoint of publisher `name` (0 when it never wrote one): reads the
 * compacted topic read_committed from the start up to its last stable offset, with a
 * throwaway consumer group that commits nothing.
 */
export const readCheckpoint = async (
  kafka: Kafka,
  admin: Admin,
  topic: string,
  name: string,
  timeoutMs = 30_000,
): Promise<number> => {
  let ends: Map<number, bigint>;
  try {
    // The admin lists offsets read_committed: `high` is the last stable offset.
    const offsets = await admin.fetchTopicOffsets(topic);
    ends = new Map(
      offsets
        .filter((o) => BigInt(o.high) > BigInt(o.low))
        .map((o) => [o.partition, BigInt(o.high)]),
    );
  } catch (error) {
    throw translateKafkaError(error, `reading the checkpoint topic ${topic}`);
  }
  if (ends.size === 0) return 0;
  const consumer = kafka.consumer({ groupId: `${topic}.reader.${ulid()}`, maxWaitTimeInMs: 100 });
  let position = 0;
  try {
    await consumer.connect();
    await consumer.subscribe({ topic, fromBeginning: true });
    const reached = new Promise<void>((resolve) => {
      consumer.on(consumer.events.END_BATCH_PROCESS, ({ payload }) => {
        const end = ends.get(payload.partition);
        if (end !== undefined && BigInt(payload.lastOffset) >= end - 1n)
          ends.delete(payload.partition);
        if (ends.size === 0) resolve();
      });
    });
    await consumer.run({
      autoCommit: false,
      eachMessage: async ({ message }) => {
        if (message.key?.toString() === name)
          position = Math.max(position, positionOf(message.value));
      },
    });
    await withDeadline(reached, timeoutMs, `reading the checkpoint topic ${topic} to its end`);
  } catch (error) {
    throw translateKafkaError(error, `reading the checkpoint topic ${topic}`);
  } finally {
    await settleWithin(consumer.disconnect(), 5000);
  }
  return position;
};
