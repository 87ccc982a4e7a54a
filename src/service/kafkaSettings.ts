import { z } from 'zod';
import { ValidationError } from '../events/errors';
import type { DeliveryMode } from '../publishers/kafka/kafkaSink';

/** Where and how `driftless serve` publishes to Kafka. */
export interface KafkaSettings {
  brokers: string[];
  prefix: string;
  mode: DeliveryMode;
  /** Partitions of each snapshot topic it creates. */
  partitions: number;
  /** Replication factor of the topics it creates; unset: 3, or fewer brokers when fewer. */
  replicationFactor?: number;
  /** Also publish quarantined branches to `<prefix>.quarantine`. */
  quarantines: boolean;
  /** Largest record sent; a larger snapshot is dead-lettered (a notice) instead. */
  maxMessageBytes: number;
}

const positive = z.coerce.number().int().positive();

const brokers = z
  .union([z.string(), z.array(z.string())])
  .transform((v) => (typeof v === 'string' ? v.split(',') : v).map((b) => b.trim()).filter(Boolean))
  .pipe(
    z
      .array(z.string().regex(/^[^\s:,/]+:\d{1,5}$/, 'host:port[,host:port...]'))
      .min(1, 'host:port[,host:port...]'),
  );

const flag = z.union([z.boolean(), z.enum(['true', 'false']).transform((v) => v === 'true')]);

/** The Kafka settings as the config file spells them (merged into the service's settings). */
export const KAFKA_SETTINGS = {
  kafkaBrokers: brokers.optional(),
  kafkaPrefix: z
    .string()
    .regex(/^[a-zA-Z0-9._-]{1,200}$/, 'a topic prefix: a-z A-Z 0-9 . _ -')
    .default('driftless'),
  kafkaMode: z
    .enum(['at-least-once', 'exactly-once'], { error: 'at-least-once or exactly-once' })
    .default('at-least-once'),
  kafkaPartitions: positive.default(6),
  kafkaReplication: positive.optional(),
  kafkaQuarantine: flag.default(false),
  kafkaMaxMessageBytes: positive.min(1024, 'at least 1024 bytes').default(1_000_000),
};

/** Environment variable of each Kafka setting. */
export const KAFKA_ENV_NAMES = {
  kafkaBrokers: 'DRIFTLESS_KAFKA_BROKERS',
  kafkaPrefix: 'DRIFTLESS_KAFKA_PREFIX',
  kafkaMode: 'DRIFTLESS_KAFKA_MODE',
  kafkaPartitions: 'DRIFTLESS_KAFKA_PARTITIONS',
  kafkaReplication: 'DRIFTLESS_KAFKA_REPLICATION',
  kafkaQuarantine: 'DRIFTLESS_KAFKA_QUARANTINE',
  kafkaMaxMessageBytes: 'DRIFTLESS_KAFKA_MAX_MESSAGE_BYTES',
} as const;

type Parsed = z.output<z.ZodObject<typeof KAFKA_SETTINGS>>;

/**
 * The Kafka settings, or undefined when no brokers are named. Any other Kafka setting without
 * brokers is an error: the user meant to publish to Kafka and would silently not.
 */
export const kafkaSettings = (
  parsed: Parsed,
  given: Partial<Record<keyof Parsed, unknown>>,
): KafkaSettings | undefined => {
  const { kafkaBrokers, ...rest } = parsed;
  if (kafkaBrokers === undefined) {
    const orphan = Object.keys(rest).find((key) => given[key as keyof Parsed] !== undefined);
    if (orphan === undefined) return undefined;
    throw new ValidationError(
      [
        {
          path: '/kafkaBrokers',
          expected: 'host:port[,host:port...]',
          received: 'null',
          message: `${KAFKA_ENV_NAMES.kafkaBrokers} is missing (${orphan} is set)`,
        },
      ],
      'invalid configuration',
    );
  }
  return {
    brokers: kafkaBrokers,
    prefix: rest.kafkaPrefix,
    mode: rest.kafkaMode,
    partitions: rest.kafkaPartitions,
    quarantines: rest.kafkaQuarantine,
    maxMessageBytes: rest.kafkaMaxMessageBytes,
    ...(rest.kafkaReplication === undefined ? {} : { replicationFactor: rest.kafkaReplication }),
  };
};
