#!/usr/bin/env node
import { parseArgs } from 'node:util';
import { userInfo } from 'node:os';
import { ValidationError } from '../events/errors';
import { loadConfig } from '../service/config';
import { blameCommand, branchCommand, lineageCommand } from './auditCommands';
import { demoCommand } from './demoCommand';
import { quarantineCommand } from './quarantineCommand';
import { serveCommand } from './serveCommand';

const USAGE = `Usage: driftless <command> [options]

Commands:
  demo    run the invoice scenario on a fresh embedded SQLite file and print a report
          (exit code 1 if any injected drift case slipped through)
          --json         print the report as one JSON object
          --seed N       random seed (default 42): the same seed gives the same report
          --invoices N   how many invoices (default 200)
          --db PATH      the SQLite file to create (default ./driftless-demo.sqlite)
  serve   run the promoter and publish promoted snapshots to the embedded topic (or to Kafka
          when DRIFTLESS_KAFKA_BROKERS is set) until SIGINT/SIGTERM
          --worker i/N     only the entities whose hash mod N is i
  quarantine list [--json] | show <branch> | release <branch> --reason R | discard <branch> --reason R
          list quarantined branches, show one (violations, candidate, decisions), send one
          back through the gate, or abandon it for good (--by NAME, default the user name)
  blame <type/id> <json-pointer> [--json]
          every change to one field: version, branches and actors, phase, time, value, rule
  branch <branchId> [--json]
          the version a branch operated on, how stale it was, and its outcome
  lineage <versionId> [--format json|mermaid|dot]
          the version's ancestry DAG, with branches and merge decisions on its edges
  help    show this text

Configuration of serve, quarantine, blame and lineage (flags override environment, environment overrides file):
  --config FILE          JSON file with log, entities, worker, pollMs, maxStaleness, kafka*
  --log, DRIFTLESS_LOG   sqlite:PATH (default sqlite:./driftless.sqlite)
  --entities, DRIFTLESS_ENTITIES   module whose \`entities\` export lists the entity types
  DRIFTLESS_WORKER i/N, DRIFTLESS_POLL_MS (default 50), DRIFTLESS_MAX_STALENESS
  DRIFTLESS_KAFKA_BROKERS host:port,...  publish to Kafka; then DRIFTLESS_KAFKA_PREFIX (default
    driftless), DRIFTLESS_KAFKA_MODE at-least-once|exactly-once, DRIFTLESS_KAFKA_PARTITIONS
    (default 6), DRIFTLESS_KAFKA_REPLICATION, DRIFTLESS_KAFKA_QUARANTINE true|false`;

/** Bad command-line input: one line on stderr, exit code 2. */
class UsageError extends Error {}

const positiveInt = (name: string, text: string | undefined, fallback: number): number => {
  if (text === undefined) return fallback;
  const value = Number(text);
  if (!Number.isInteger(value) || value < 0)
    throw new UsageError(`--${name} expects a whole number, got "${text}"`);
  return value;
};

const SERVICE_OPTIONS = {
  config: { type: 'string' },
  log: { type: 'string' },
  entities: { type: 'string' },
  worker: { type: 'string' },
} as const;

const QUARANTINE_ACTIONS = ['list', 'show', 'release', 'discard'] as const;

const run = async (argv: string[]): Promise<number> => {
  const [command, ...rest] = argv;
  switch (command) {
    case 'demo': {
      const { values } = parseArgs({
        args: rest,
        options: {
          json: { type: 'boolean', default: false },
          seed: { type: 'string' },
          invoices: { type: 'string' },
          db: { type: 'string' },
        },
        strict: true,
      });
      return demoCommand({
        json: values.json,
        seed: positiveInt('seed', values.seed, 42),
        invoices: positiveInt('invoices', values.invoices, 200),
        db: values.db ?? 'driftless-demo.sqlite',
      });
    }
    case 'serve': {
      const { values } = parseArgs({ args: rest, options: SERVICE_OPTIONS, strict: true });
      return serveCommand(loadConfig(process.env, values));
    }
    case 'quarantine': {
      const { values, positionals } = parseArgs({
        args: rest,
        options: {
          ...SERVICE_OPTIONS,
          json: { type: 'boolean', default: false },
          reason: { type: 'string' },
          by: { type: 'string' },
        },
        allowPositionals: true,
        strict: true,
      });
      const { json, reason, by, ...config } = values;
      const [action, branchId, ...extra] = positionals;
      if (!QUARANTINE_ACTIONS.includes(action as never) || extra.length > 0)
        throw new UsageError(
          `quarantine expects list | show <branch> | release <branch> | discard <branch>, got "${positionals.join(' ')}"`,
        );
      return quarantineCommand(loadConfig(process.env, config), {
        action: action as (typeof QUARANTINE_ACTIONS)[number],
        json,
        by: by ?? userInfo().username,
        ...(branchId === undefined ? {} : { branchId }),
        ...(reason === undefined ? {} : { reason }),
      });
    }
    case 'blame': {
      const { values, positionals } = parseArgs({
        args: rest,
        options: { ...SERVICE_OPTIONS, json: { type: 'boolean', default: false } },
        allowPositionals: true,
        strict: true,
      });
      const { json, ...config } = values;
      const [entity, pointer, ...extra] = positionals;
      if (entity === undefined || pointer === undefined || extra.length > 0)
        throw new UsageError('blame expects <type/id> <json-pointer>, e.g. invoice/INV-7 /total');
      return blameCommand(loadConfig(process.env, config), { entity, pointer, json });
    }
    case 'branch': {
      const { values, positionals } = parseArgs({
        args: rest,
        options: { ...SERVICE_OPTIONS, json: { type: 'boolean', default: false } },
        allowPositionals: true,
        strict: true,
      });
      const { json, ...config } = values;
      const [branchId, ...extra] = positionals;
      if (branchId === undefined || extra.length > 0)
        throw new UsageError('branch expects one <branchId>');
      return branchCommand(loadConfig(process.env, config), { branchId, json });
    }
    case 'lineage': {
      const { values, positionals } = parseArgs({
        args: rest,
        options: { ...SERVICE_OPTIONS, format: { type: 'string', default: 'json' } },
        allowPositionals: true,
        strict: true,
      });
      const { format, ...config } = values;
      const [versionId, ...extra] = positionals;
      if (versionId === undefined || extra.length > 0)
        throw new UsageError('lineage expects one <versionId>');
      return lineageCommand(loadConfig(process.env, config), { versionId, format });
    }
    case undefined:
    case 'help':
    case '--help':
      console.log(USAGE);
      return 0;
    default:
      throw new UsageError(`unknown command "${command}" (try: driftless help)`);
  }
};

run(process.argv.slice(2)).then(
  (code) => (process.exitCode = code),
  (error: unknown) => {
    const usage =
      error instanceof UsageError ||
      error instanceof ValidationError ||
      (error as { code?: string }).code?.startsWith('ERR_PARSE_ARGS');
    console.error(`driftless: ${error instanceof Error ? error.message : String(error)}`);
    process.exitCode = usage ? 2 : 1;
  },
);
