import { readFileSync } from 'node:fs';
import { dirname, isAbsolute, resolve } from 'node:path';
import { z } from 'zod';
import { isEsdbConnectionString } from '../events/esdb/connectionString';
import { ValidationError } from '../events/errors';
import { parseWorker, type WorkerAssignment } from '../promoter/workerAssignment';
import {
  KAFKA_ENV_NAMES,
  KAFKA_SETTINGS,
  kafkaSettings,
  type KafkaSettings,
} from './kafkaSettings';

/**
 * Where the log lives: `sqlite:<path>`, the embedded default, or an EventStoreDB connection
 * string (`esdb://host:2113?tls=false`, or TLS with credentials).
 */
export type LogLocation =
  { kind: 'sqlite'; path: string } | { kind: 'esdb'; connectionString: string };

/** What `driftless serve` and `driftless quarantine` run with. */
export interface ServiceConfig {
  log: LogLocation;
  /**
   * Absolute path of the SQLite file holding the projections and the embedded topic: the log's
   * own file for a SQLite log; for EventStoreDB a local cache, rebuilt from the log when lost.
   */
  state: string;
  /** Absolute path of the module exporting the entity types. */
  entities: string;
  worker?: WorkerAssignment;
  /** How often to look for appends made by other processes. */
  pollMs: number;
  /** The gate's STALE_BASE limit, in promotions behind the head. */
  maxStaleness?: number;
  /** The largest event the service appends (its outcomes). @defaultValue 1 MiB */
  maxEventBytes?: number;
  /** `driftless serve` serves drift metrics on this port at `/metrics` (0: any free port). */
  metricsPort?: number;
  /** Publish to Kafka instead of the embedded topic. */
  kafka?: KafkaSettings;
}

const LOG_FORMS = 'sqlite:<path> (e.g. sqlite:./driftless.sqlite) or esdb://host:2113?tls=false';

const logLocation = z
  .string()
  .refine((text) => /^sqlite:.+/.test(text) || isEsdbConnectionString(text), LOG_FORMS)
  .transform((text): LogLocation =>
    text.startsWith('sqlite:')
      ? { kind: 'sqlite', path: text.slice('sqlite:'.length) }
      : { kind: 'esdb', connectionString: text },
  );

/** The log's location for people to read: an EventStoreDB password is masked. */
export const describeLog = (log: LogLocation): string =>
  log.kind === 'sqlite'
    ? `sqlite:${log.path}`
    : log.connectionString.replace(/^([a-z+]+:\/\/[^:@/]+):[^@/]*@/, '$1:***@');

/** Where the projections live when the log is EventStoreDB and no `state` is given. */
export const DEFAULT_STATE = './driftless-state.sqlite';

const worker = z
  .string()
  .transform((text, ctx) => parseWorker(text) ?? (ctx.addIssue('i/N with 0 ≤ i < N'), z.NEVER));

const count = z.coerce.number().int().nonnegative();

/** Settings by name, as the config file spells them; the environment variable names follow. */
const settings = z.strictObject({
  log: logLocation.prefault('sqlite:./driftless.sqlite'),
  state: z.string().min(1).optional(),
  entities: z
    .string({ error: 'the module exporting the entity types, e.g. ./entities.js' })
    .min(1, 'the module exporting the entity types, e.g. ./entities.js'),
  worker: worker.optional(),
  pollMs: count.default(50),
  maxStaleness: count.optional(),
  maxEventBytes: count.min(1).optional(),
  metricsPort: count.max(65535).optional(),
  ...KAFKA_SETTINGS,
});

/** Environment variable of each setting. */
export const ENV_NAMES = {
  log: 'DRIFTLESS_LOG',
  state: 'DRIFTLESS_STATE',
  entities: 'DRIFTLESS_ENTITIES',
  worker: 'DRIFTLESS_WORKER',
  pollMs: 'DRIFTLESS_POLL_MS',
  maxStaleness: 'DRIFTLESS_MAX_STALENESS',
  maxEventBytes: 'DRIFTLESS_MAX_EVENT_BYTES',
  metricsPort: 'DRIFTLESS_METRICS_PORT',
  ...KAFKA_ENV_NAMES,
} as const;

type Raw = Partial<Record<keyof typeof ENV_NAMES, unknown>>;

const readConfigFile = (path: string): Raw => {
  const refuse = (message: string) =>
    new ValidationError([
      {
        path: '/config',
        expected: 'a readable JSON file holding an object',
        received: path,
        message,
      },
    ]);
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(path, 'utf8'));
  } catch (error) {
    throw refuse(error instanceof Error ? error.message : String(error));
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed))
    throw refuse(
      `holds ${Array.isArray(parsed) ? 'an array' : parsed === null ? 'null' : typeof parsed}, not an object of settings`,
    );
  return parsed;
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
    ...(typeof file.state === 'string' ? { state: relative(file.state) } : {}),
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
        const flag = `--${key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`;
        const where = key in defined ? flag : key in fromEnv ? ENV_NAMES[key] : key;
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
  const {
    log,
    entities,
    state,
    worker,
    pollMs,
    maxStaleness,
    maxEventBytes,
    metricsPort,
    ...kafka
  } = parsed.data;
  const publishTo = kafkaSettings(kafka, sources);
  const located: LogLocation = log.kind === 'sqlite' ? { ...log, path: resolve(log.path) } : log;
  return {
    pollMs,
    ...(worker === undefined ? {} : { worker }),
    ...(maxStaleness === undefined ? {} : { maxStaleness }),
    ...(maxEventBytes === undefined ? {} : { maxEventBytes }),
    ...(metricsPort === undefined ? {} : { metricsPort }),
    ...(publishTo === undefined ? {} : { kafka: publishTo }),
    log: located,
    state: resolve(state ?? (located.kind === 'sqlite' ? located.path : DEFAULT_STATE)),
    entities: resolve(entities),
  };
};
