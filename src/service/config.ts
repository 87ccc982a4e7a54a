import { readFileSync } from 'node:fs';
import { dirname, isAbsolute, resolve } from 'node:path';
import { z } from 'zod';
import { ValidationError } from '../events/errors';
import { parseWorker, type WorkerAssignment } from '../promoter/workerAssignment';
import type { DeliveryMode } from '../publishers/kafka/kafkaSink';

/** Where the log lives: `sqlite:<path>`, the embedded default. */
export type LogLocation = { kind: 'sqlite'; path: string };

/** What `driftless serve` and `driftless quarantine` run with. */
export interface ServiceConfig {
  log: LogLocation;
  /** Absolute path of the module exporting the entity types. */
  entities: string;
  worker?: WorkerAssignment;
  /** How often to look for appends made by other processes. */
  pollMs: number;
  /** The gate's STALE_BASE limit, in promotions behind the head. */
  maxStaleness?: number;
  /** Publish to Kafka instead of the embedded topic. */
  kafka?: KafkaSettings;
}

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
}

const logLocation = z
  .string()
  .regex(/^sqlite:.+/, 'sqlite:<path>, e.g. sqlite:./driftless.sqlite')
  .transform((text): LogLocation => ({ kind: 'sqlite', path: text.slice('sqlite:'.length) }));

const worker = z
  .string()
  .transform((text, ctx) => parseWorker(text) ?? (ctx.addIssue('i/N with 0 ≤ i < N'), z.NEVER));

const count = z.coerce.number().int().nonnegative();
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

/** Settings by name, as the config file spells them; the environment variable names follow. */
const settings = z.strictObject({
  log: logLocation.prefault('sqlite:./driftless.sqlite'),
  entities: z
    .string({ error: 'the module exporting the entity types, e.g. ./entities.js' })
    .min(1, 'the module exporting the entity types, e.g. ./entities.js'),
  worker: worker.optional(),
  pollMs: count.default(50),
  maxStaleness: count.optional(),
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
});

const KAFKA_KEYS = [
  'kafkaPrefix',
  'kafkaMode',
  'kafkaPartitions',
  'kafkaReplication',
  'kafkaQuarantine',
] as const;

/** Environment variable of each setting. */
export const ENV_NAMES = {
  log: 'DRIFTLESS_LOG',
  entities: 'DRIFTLESS_ENTITIES',
  worker: 'DRIFTLESS_WORKER',
  pollMs: 'DRIFTLESS_POLL_MS',
  maxStaleness: 'DRIFTLESS_MAX_STALENESS',
  kafkaBrokers: 'DRIFTLESS_KAFKA_BROKERS',
  kafkaPrefix: 'DRIFTLESS_KAFKA_PREFIX',
  kafkaMode: 'DRIFTLESS_KAFKA_MODE',
  kafkaPartitions: 'DRIFTLESS_KAFKA_PARTITIONS',
  kafkaReplication: 'DRIFTLESS_KAFKA_REPLICATION',
  kafkaQuarantine: 'DRIFTLESS_KAFKA_QUARANTINE',
} as const;

type Raw = Partial<Record<keyof typeof ENV_NAMES, unknown>>;

const readConfigFile = (path: string): Raw => {
  try {
    return JSON.parse(readFileSync(path, 'utf8')) as Raw;
  } catch (error) {
    throw new ValidationError([
      {
        path: '/config',
        expected: 'a readable JSON file',
        received: path,
        message: error instanceof Error ? error.message : String(error),
      },
    ]);
  }
};

/**
 * The service configuration: the config file if one is named (its relative paths resolved
 * against its own folder), overridden by DRIFTLESS_* environment variables, overridden by
 * command-line flags. Every wrong value is reported at once, by the name the user wrote.
 */
export const loadConfig = (
  env: Record<string, string | undefined>,
  flags: Raw & { config?: string } = {},
): ServiceConfig => {
  const { config, ...fromFlags } = flags;
  const file = config === undefined ? {} : readConfigFile(config);
  const base = config === undefined ? process.cwd() : dirname(resolve(config));
  const relative = (path: string) => (isAbsolute(path) ? path : resolve(base, path));
  const fileSettings: Raw = {
    ...file,
    ...(typeof file.log === 'string' && file.log.startsWith('sqlite:')
      ? { log: `sqlite:${relative(file.log.slice('sqlite:'.length))}` }
      : {}),
    ...(typeof file.entities === 'string' ? { entities: relative(file.entities) } : {}),
  };
  const fromEnv = Object.fromEntries(
    Object.entries(ENV_NAMES).flatMap(([key, name]) =>
      env[name] === undefined || env[name] === '' ? [] : [[key, env[name]]],
    ),
  );
  const defined = Object.fromEntries(Object.entries(fromFlags).filter(([, v]) => v !== undefined));
  const sources = { ...fileSettings, ...fromEnv, ...defined } as Raw;
  const parsed = settings.safeParse(sources);
  if (!parsed.success)
    throw new ValidationError(
      parsed.error.issues.flatMap((issue) => {
        if (issue.code === 'unrecognized_keys')
          return issue.keys.map((key) => ({
            path: `/${key}`,
            expected: `one of ${Object.keys(ENV_NAMES).join(', ')}`,
            received: JSON.stringify(key),
            message: `unknown setting "${key}"`,
          }));
        const key = String(issue.path[0] ?? '') as keyof typeof ENV_NAMES;
        const where = key in defined ? `--${key}` : key in fromEnv ? ENV_NAMES[key] : key;
        return {
          path: `/${key}`,
          expected: issue.message,
          received: JSON.stringify(sources[key] ?? null),
          message:
            sources[key] === undefined ? `${ENV_NAMES[key]} is missing` : `${where} is invalid`,
        };
      }),
      'invalid configuration',
    );
  const { log, entities, worker, pollMs, maxStaleness, kafkaBrokers, ...kafka } = parsed.data;
  const orphan = KAFKA_KEYS.find((key) => sources[key] !== undefined);
  if (kafkaBrokers === undefined && orphan !== undefined)
    throw new ValidationError(
      [
        {
          path: '/kafkaBrokers',
          expected: 'host:port[,host:port...]',
          received: 'null',
          message: `${ENV_NAMES.kafkaBrokers} is missing (${orphan} is set)`,
        },
      ],
      'invalid configuration',
    );
  return {
    log: { kind: 'sqlite', path: resolve(log.path) },
    entities: resolve(entities),
    pollMs,
    ...(worker === undefined ? {} : { worker }),
    ...(maxStaleness === undefined ? {} : { maxStaleness }),
    ...(kafkaBrokers === undefined
      ? {}
      : {
          kafka: {
            brokers: kafkaBrokers,
            prefix: kafka.kafkaPrefix,
            mode: kafka.kafkaMode,
            partitions: kafka.kafkaPartitions,
            quarantines: kafka.kafkaQuarantine,
            ...(kafka.kafkaReplication === undefined
              ? {}
              : { replicationFactor: kafka.kafkaReplication }),
          },
        }),
  };
};
