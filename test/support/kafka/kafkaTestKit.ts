import { Kafka, logLevel, type IHeaders } from 'kafkajs';
import { ulid } from 'ulid';

/** The broker of this test run (jest global setup, or KAFKA_BROKERS). */
export const testBrokers = (): string[] => {
  const brokers = process.env.KAFKA_BROKERS;
  if (!brokers) throw new Error('KAFKA_BROKERS is not set: run the kafka tests through jest');
  return brokers.split(',');
};

/** A topic prefix no other test uses. */
export const uniquePrefix = (label: string): string => `t${ulid().toLowerCase()}.${label}`;

export const quietKafka = (brokers: string[]) =>
  new Kafka({ brokers, clientId: 'driftless-test', logLevel: logLevel.NOTHING });

export interface ReadRecord {
  topic: string;
  partition: number;
  offset: string;
  key: string;
  value: string;
  headers: Record<string, string>;
}

const text = (headers: IHeaders | undefined) =>
  Object.fromEntries(Object.entries(headers ?? {}).map(([k, v]) => [k, String(v)]));

/**
 * Every record now in `topics`, read from the start by a fresh group up to each partition's
 * end (read_committed unless `readUncommitted`), in partition order.
 */
export const readTopics = async (
  brokers: string[],
  topics: string[],
  { readUncommitted = false, timeoutMs = 30_000 } = {},
): Promise<ReadRecord[]> => {
  const kafka = quietKafka(brokers);
  const admin = kafka.admin();
  await admin.connect();
  const ends = new Map<string, bigint>();
  for (const topic of topics)
    for (const o of await admin.fetchTopicOffsets(topic))
      if (BigInt(o.high) > BigInt(o.low)) ends.set(`${topic}/${o.partition}`, BigInt(o.high));
  await admin.disconnect();
  const records: ReadRecord[] = [];
  if (ends.size === 0) return records;
  const consumer = kafka.consumer({
    groupId: `reader-${ulid()}`,
    readUncommitted,
    maxWaitTimeInMs: 100,
  });
  await consumer.connect();
  await consumer.subscribe({ topics, fromBeginning: true });
  const done = new Promise<void>((resolve) =>
    consumer.on(consumer.events.END_BATCH_PROCESS, ({ payload }) => {
      const key = `${payload.topic}/${payload.partition}`;
      const end = ends.get(key);
      if (end !== undefined && BigInt(payload.lastOffset) >= end - 1n) ends.delete(key);
      if (ends.size === 0) resolve();
    }),
  );
  await consumer.run({
    autoCommit: false,
    eachMessage: async ({ topic, partition, message }) => {
      records.push({
        topic,
        partition,
        offset: message.offset,
        key: message.key?.toString() ?? '',
        value: message.value?.toString() ?? '',
        headers: text(message.headers),
      });
    },
  });
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([
    done,
    new Promise((_, reject) => {
      timer = setTimeout(
        () =>
          reject(
            new Error(
              `read ${records.length} records, not at the end of ${[...ends.keys()].join(', ')}`,
            ),
          ),
        timeoutMs,
      );
    }),
  ]).finally(() => clearTimeout(timer));
  await consumer.disconnect();
  return records;
};

/** Resolves when `check` holds, polling every 50 ms; rejects after `timeoutMs` with `what`. */
export const eventually = async (
  check: () => boolean,
  what: string | (() => string),
  timeoutMs = 30_000,
) => {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline)
      throw new Error(`timed out waiting for ${typeof what === 'string' ? what : what()}`);
    await new Promise((r) => setTimeout(r, 50));
  }
};
