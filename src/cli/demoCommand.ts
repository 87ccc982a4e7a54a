import { existsSync, rmSync } from 'node:fs';
import { extname, isAbsolute, join, relative, resolve } from 'node:path';
import Database from 'better-sqlite3';
import { DEMO_WAVES, runInvoiceDemo, type InvoiceDemoReport } from '../demo/invoiceDemo';
import { ValidationError } from '../events/errors';
import type { EventLog } from '../events/eventLog';
import { createSqliteEventLog } from '../events/sqlite/sqliteEventLog';
import { streamNames } from '../events/streams';
import { openProjectionStore } from '../projections/projectionStore';
import { describeLog } from '../service/config';
import { createEmbeddedTopic } from '../publishers/embedded/embeddedTopic';
import { createPublisher } from '../publishers/publisher';
import { UsageError } from './cliOptions';
import { createProgress } from './progress';

export interface DemoArgs {
  json: boolean;
  seed: number;
  invoices: number;
  /**
   * The SQLite file to create: the log, projections and topic; with an EventStoreDB log, the
   * projections and topic only. @defaultValue ./driftless-demo.sqlite
   */
  db: string;
  /** An EventStoreDB connection string to run the log on. @defaultValue the `db` file */
  esdb?: string;
}

/**
 * The demo writes the default stream names, so on EventStoreDB it needs a log that holds none
 * yet: another run's events would join this one's report.
 */
const ensureNoDriftlessStreams = async (log: EventLog, where: string) => {
  const found = await log.readAll({
    limit: 1,
    filter: { streamPrefixes: [`${streamNames().prefix}-`] },
  });
  if (found.length > 0)
    throw new ValidationError(
      [
        {
          path: '/log',
          expected: 'an EventStoreDB with no driftless-* streams',
          received: `${where} (holds ${found[0]!.stream})`,
          message: 'the demo needs a fresh database (e.g. docker compose down -v, then up -d)',
        },
      ],
      'cannot run the demo',
    );
};

/** Marks a file as the demo's own, which the next run may replace. */
const DEMO_MARK = 'driftless_demo';

/**
 * Why the demo must not replace the file at `path` (something it did not write: a real log, a
 * service's state file, not SQLite at all), or undefined when there is none, it holds no
 * tables, or an earlier demo wrote it.
 */
const notReplaceable = (path: string): string | undefined => {
  if (!existsSync(path)) return undefined;
  let db: Database.Database | undefined;
  try {
    db = new Database(path, { readonly: true, fileMustExist: true });
    const tables = new Set(
      db.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").pluck().all() as string[],
    );
    if (tables.size === 0 || tables.has(DEMO_MARK)) return undefined;
    if (!tables.has('events')) return `it holds tables no demo wrote (${[...tables].join(', ')})`;
    const events = db.prepare('SELECT count(*) FROM events').pluck().get() as number;
    return `it holds a log of ${events} events that no demo wrote`;
  } catch (error) {
    return `it is not a SQLite database a demo wrote (${(error as Error).message})`;
  } finally {
    db?.close();
  }
};

/**
 * `driftless demo`: the invoice scenario on a fresh embedded SQLite file (or a fresh
 * EventStoreDB, with the projections in that file), then its report. It replaces a file an
 * earlier demo wrote, and refuses any other.
 */
export const demoCommand = async (args: DemoArgs): Promise<number> => {
  const path = resolve(args.db);
  const refusal = notReplaceable(path);
  if (refusal !== undefined)
    throw new UsageError(
      `the demo will not replace ${args.db}: ${refusal}; give it another --db (it replaces only files an earlier demo wrote)`,
    );
  for (const suffix of ['', '-wal', '-shm']) if (existsSync(path + suffix)) rmSync(path + suffix);
  const log =
    args.esdb === undefined
      ? createSqliteEventLog({ path })
      : (await import('../events/esdb/eventStoreDbEventLog')).createEventStoreDbEventLog({
          connectionString: args.esdb,
        });
  const where =
    args.esdb === undefined ? path : describeLog({ kind: 'esdb', connectionString: args.esdb });
  try {
    if (args.esdb !== undefined) await ensureNoDriftlessStreams(log, where);
  } catch (error) {
    await log.close();
    throw error;
  }
  const store = openProjectionStore(path);
  store.db.exec(`CREATE TABLE IF NOT EXISTS ${DEMO_MARK} (seed INTEGER, invoices INTEGER)`);
  store.db.prepare(`INSERT INTO ${DEMO_MARK} VALUES (?, ?)`).run(args.seed, args.invoices);
  const progress = createProgress('invoice steps', DEMO_WAVES * args.invoices);
  const started = Date.now();
  try {
    const report = await runInvoiceDemo({
      log,
      store,
      seed: args.seed,
      invoices: args.invoices,
      onProgress: (done) => progress.update(done),
    });
    progress.finish();
    // What downstream services would receive: every promoted version, once, in log order.
    const topic = createEmbeddedTopic({ path });
    const published = await createPublisher({ log, sink: topic, store }).catchUp();
    await topic.close();
    const elapsedMs = Date.now() - started;
    console.log(
      args.json
        ? JSON.stringify({
            ...report,
            published,
            log: where,
            ...(args.esdb ? { state: path } : {}),
          })
        : formatReport(report, published, where, elapsedMs, nextFlags(args, path)),
    );
    return report.driftCases.slipped === 0 ? 0 : 1;
  } finally {
    store.close();
    await log.close();
  }
};

const rows = (counts: Record<string, number>) =>
  Object.entries(counts)
    .sort(([a], [b]) => (a < b ? -1 : 1))
    .map(([k, n]) => `      ${k.padEnd(26)} ${n}`);

/** The flags that point the other commands at this demo's log, state and entity types. */
const nextFlags = (args: { esdb?: string }, path: string) => {
  const here = (p: string) => {
    const r = relative(process.cwd(), p);
    return r.startsWith('..') || isAbsolute(r) ? p : `./${r}`;
  };
  // The demo's entity types, compiled or not, next to this module.
  const entities = here(join(__dirname, '..', 'demo', `invoiceDomain${extname(__filename)}`));
  const log =
    args.esdb === undefined ? `sqlite:${here(path)}` : `${args.esdb} --state ${here(path)}`;
  return `--log ${log} --entities ${entities}`;
};

const formatReport = (
  r: InvoiceDemoReport,
  published: number,
  path: string,
  elapsedMs: number,
  flags: string,
): string => {
  const d = r.driftCases;
  return [
    '',
    `Driftless demo: ${r.invoices} invoices worked on concurrently by agents (seed ${r.seed}), ${path}`,
    `  branches              ${r.branches}`,
    `  promoted              ${r.promoted} (${r.fastForwards} fast-forwards, ${r.reconciledMerges} reconciled merges)`,
    `  quarantined           ${r.quarantined}`,
    '  conflicts by resolving rule',
    ...rows(r.conflictsByRule),
    '  quarantines by code',
    ...rows(r.quarantinesByCode),
    `  drift cases (ground truth): ${d.total} injected, ${d.caught} caught (${d.resolved} resolved by a rule, ${d.quarantined} quarantined), ${d.slipped} slipped through`,
    ...Object.entries(d.byKind).map(
      ([kind, k]) => `      ${kind.padEnd(26)} ${k.caught}/${k.total}`,
    ),
    `  published             ${published} snapshots to the embedded topic (table snapshot_topic)`,
    `  took ${elapsedMs} ms`,
    '  next: what stayed out, and settling a conflict by hand',
    `      npx driftless quarantine list ${flags}`,
    `      npx driftless quarantine release <branchId> --take branch --reason "..." ${flags}`,
  ].join('\n');
};
