#!/usr/bin/env node
import { parseArgs } from 'node:util';
import { userInfo } from 'node:os';
import { ValidationError } from '../events/errors';
import { isEsdbConnectionString } from '../events/esdb/connectionString';
import { AUDIT_COMMANDS, AUDIT_USAGE, runAuditCommand } from './auditArgs';
import {
  creatable,
  existingLogConfig,
  JSON_OPTION,
  SERVICE_OPTIONS,
  serviceConfig,
  UsageError,
  wholeNumber,
} from './cliOptions';

const USAGE = `Usage: driftless <command> [options]

Commands:
  demo    run the invoice scenario on a fresh embedded SQLite file and print a report
          (exit code 1 if any injected drift case slipped through)
          --json         print the report as one JSON object
          --seed N       random seed (default 42): the same seed gives the same report
          --invoices N   how many invoices (default 200)
          --db PATH      the SQLite file to create (default ./driftless-demo.sqlite); it
                         replaces an earlier demo's file and refuses any other
          --log URL      run the log on a fresh EventStoreDB (esdb://host:2113?tls=false);
                         the projections and the topic then go to the --db file
  serve   run the promoter and publish promoted snapshots to the embedded topic (or to Kafka
          when DRIFTLESS_KAFKA_BROKERS is set) until SIGINT/SIGTERM
          --worker i/N       only the entities whose hash mod N is i
          --metrics-port N   drift metrics for Prometheus at http://host:N/metrics, health at
                             /health (503 while rounds fail); 0: any free port
  quarantine list [--entity type/id] [--code CODE] [--json] | show <branch> [--json]
             | release <branch> --reason R [--take SIDE]... | discard <branch> --reason R
             | rejected [--json]
          list quarantined branches, show one (violations, candidate, decisions), send one
          back through the gate, or abandon it for good (--by NAME, default the user name);
          release and discard take --code / --entity instead of a branch: every branch the
          list would show; --take head|branch settles the conflicts (keep the head's value or
          take the branch's), --take /path=head|branch one path; rejected: the events the
          projections refused (bad payloads), with their reasons
  seal <type/id> <phase> [--by NAME] [--json]
          close a phase of an entity at its head (PhaseSealed): later commits of that phase are
          quarantined (PHASE_VIOLATION); says how many branches of it are still open
  abandon <branchId> --reason R [--by NAME]
          end an open branch whose writer is gone (BranchAbandoned): it will never be
          promoted; exit code 1 if the writer's commit reached the log first
${AUDIT_USAGE}
  snapshots [--from OFFSET] [--limit N] [--entity type/id] [--follow] [--json]
          the promoted snapshots in the embedded topic, oldest first: offset, entity, version,
          depth, phase, hash, time (--json: one snapshot per line); --follow waits for new ones
          until SIGINT (reads the state file only: no entity types needed)
  help    show this text

Configuration of serve, quarantine, seal, abandon and the audit commands (flags override
environment, environment overrides file):
  --config FILE          JSON file with log, state, entities, worker, pollMs, maxStaleness,
                         maxEventBytes, metricsPort, kafka*
  --log, DRIFTLESS_LOG   sqlite:PATH (default sqlite:./driftless.sqlite), or an EventStoreDB
                         connection string: esdb://host:2113?tls=false (TLS: esdb://user:pass@host:2113)
  --state, DRIFTLESS_STATE   with EventStoreDB: the SQLite file of projections and topic, a
                         cache rebuilt from the log (default ./driftless-state.sqlite)
  --entities, DRIFTLESS_ENTITIES   module whose \`entities\` export lists the entity types
  DRIFTLESS_WORKER i/N, DRIFTLESS_POLL_MS (default 50), DRIFTLESS_MAX_STALENESS,
  DRIFTLESS_MAX_EVENT_BYTES (default 1048576), DRIFTLESS_METRICS_PORT
  DRIFTLESS_KAFKA_BROKERS host:port,...  publish to Kafka; then DRIFTLESS_KAFKA_PREFIX (default
    driftless), DRIFTLESS_KAFKA_MODE at-least-once|exactly-once, DRIFTLESS_KAFKA_PARTITIONS
    (default 6), DRIFTLESS_KAFKA_REPLICATION, DRIFTLESS_KAFKA_QUARANTINE true|false,
    DRIFTLESS_KAFKA_MAX_MESSAGE_BYTES (default 1000000)`;

/** `demo --log`: sqlite:PATH (the same as --db PATH) or an EventStoreDB connection string. */
const demoLog = (log: string | undefined, db: string): { db: string; esdb?: string } => {
  if (log === undefined) return { db };
  if (log.startsWith('sqlite:') && log.length > 'sqlite:'.length) return { db: log.slice(7) };
  if (isEsdbConnectionString(log)) return { db, esdb: log };
  throw new UsageError(`--log expects sqlite:PATH or esdb://host:2113?tls=false, got "${log}"`);
};

const QUARANTINE_ACTIONS = ['list', 'show', 'release', 'discard', 'rejected'] as const;

/** Each command's modules load when it runs: every process, `--jobs` parts too, starts faster. */
const run = async (argv: string[]): Promise<number> => {
  const [command, ...rest] = argv;
  switch (command) {
    case 'demo': {
      const { values } = parseArgs({
        args: rest,
        options: {
          ...JSON_OPTION,
          seed: { type: 'string' },
          invoices: { type: 'string' },
          db: { type: 'string' },
          log: { type: 'string' },
        },
        strict: true,
      });
      const { demoCommand } = await import('./demoCommand');
      return demoCommand({
        json: values.json,
        seed: wholeNumber('seed', values.seed, 42),
        invoices: wholeNumber('invoices', values.invoices, 200, 1),
        ...demoLog(values.log, creatable(values.db ?? 'driftless-demo.sqlite', 'the demo file')),
      });
    }
    case 'serve': {
      const { values } = parseArgs({
        args: rest,
        options: { ...SERVICE_OPTIONS, 'metrics-port': { type: 'string' } },
        strict: true,
      });
      const { 'metrics-port': metricsPort, ...flags } = values;
      const { serveCommand } = await import('./serveCommand');
      return serveCommand(serviceConfig({ ...flags, metricsPort }));
    }
    case 'quarantine': {
      const { values, positionals } = parseArgs({
        args: rest,
        options: {
          ...SERVICE_OPTIONS,
          ...JSON_OPTION,
          reason: { type: 'string' },
          by: { type: 'string' },
          entity: { type: 'string' },
          code: { type: 'string' },
          take: { type: 'string', multiple: true },
        },
        allowPositionals: true,
        strict: true,
      });
      const { json, reason, by, entity, code, take, ...config } = values;
      const [action, branchId, ...extra] = positionals;
      if (!QUARANTINE_ACTIONS.includes(action as never) || extra.length > 0)
        throw new UsageError(
          `quarantine expects list | show <branch> | release <branch> | discard <branch> | rejected, got "${positionals.join(' ')}"`,
        );
      const { quarantineCommand } = await import('./quarantineCommand');
      return quarantineCommand(existingLogConfig(config), {
        action: action as (typeof QUARANTINE_ACTIONS)[number],
        json,
        by: by ?? userInfo().username,
        ...(branchId === undefined ? {} : { branchId }),
        ...(reason === undefined ? {} : { reason }),
        ...(entity === undefined ? {} : { entity }),
        ...(code === undefined ? {} : { code }),
        ...(take === undefined ? {} : { take }),
      });
    }
    case 'seal': {
      const { values, positionals } = parseArgs({
        args: rest,
        options: { ...SERVICE_OPTIONS, ...JSON_OPTION, by: { type: 'string' } },
        allowPositionals: true,
        strict: true,
      });
      const { json, by, ...config } = values;
      if (positionals.length !== 2)
        throw new UsageError(
          `seal expects <type/id> <phase>, e.g. invoice/INV-7 enrichment, got "${positionals.join(' ')}"`,
        );
      const { sealCommand } = await import('./sealCommand');
      return sealCommand(existingLogConfig(config), {
        entity: positionals[0]!,
        phase: positionals[1]!,
        by: by ?? userInfo().username,
        json,
      });
    }
    case 'abandon': {
      const { values, positionals } = parseArgs({
        args: rest,
        options: { ...SERVICE_OPTIONS, reason: { type: 'string' }, by: { type: 'string' } },
        allowPositionals: true,
        strict: true,
      });
      const { reason, by, ...config } = values;
      if (positionals.length !== 1 || reason === undefined)
        throw new UsageError(
          `abandon expects <branchId> --reason "why", got "${[...positionals, ...(reason === undefined ? [] : ['--reason', reason])].join(' ')}"`,
        );
      const { abandonCommand } = await import('./abandonCommand');
      return abandonCommand(existingLogConfig(config), {
        branchId: positionals[0]!,
        reason,
        by: by ?? userInfo().username,
      });
    }
    case 'snapshots': {
      const { values, positionals } = parseArgs({
        args: rest,
        options: {
          ...SERVICE_OPTIONS,
          ...JSON_OPTION,
          follow: { type: 'boolean', default: false },
          from: { type: 'string' },
          limit: { type: 'string' },
          entity: { type: 'string' },
        },
        allowPositionals: true,
        strict: true,
      });
      const { json, follow, from, limit, entity, ...flags } = values;
      if (positionals.length > 0)
        throw new UsageError(
          `snapshots takes no arguments besides its options, got "${positionals.join(' ')}"`,
        );
      // Reading the topic needs no entity types: the setting may be absent for this command.
      const config = existingLogConfig({
        ...flags,
        entities: flags.entities ?? (process.env.DRIFTLESS_ENTITIES || 'unused'),
      });
      const { snapshotsCommand } = await import('./snapshotsCommand');
      const { parseEntityRef } = await import('../audit/entityHistory');
      const stop = new AbortController();
      process.once('SIGINT', () => stop.abort());
      process.once('SIGTERM', () => stop.abort());
      return snapshotsCommand(config, {
        from: wholeNumber('from', from, 1, 1),
        ...(limit === undefined ? {} : { limit: wholeNumber('limit', limit, 0, 1) }),
        ...(entity === undefined ? {} : { entity: parseEntityRef(entity) }),
        follow,
        json,
        signal: stop.signal,
      });
    }
    case undefined:
    case 'help':
    case '--help':
      console.log(USAGE);
      return 0;
    default:
      if (AUDIT_COMMANDS.includes(command)) return runAuditCommand(command, rest);
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
    const message = error instanceof Error ? error.message : String(error);
    // One line, whatever the source (Node's argument parser explains itself over three).
    console.error(`driftless: ${message.trim().replace(/\s*\n\s*/g, ' ')}`);
    process.exitCode = usage ? 2 : 1;
  },
);
