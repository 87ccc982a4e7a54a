import { existsSync, rmSync } from 'node:fs';
import { resolve } from 'node:path';
import { DEMO_WAVES, runInvoiceDemo, type InvoiceDemoReport } from '../demo/invoiceDemo';
import { ValidationError } from '../events/errors';
import type { EventLog } from '../events/eventLog';
import { createSqliteEventLog } from '../events/sqlite/sqliteEventLog';
import { streamNames } from '../events/streams';
import { openProjectionStore } from '../projections/projectionStore';
import { describeLog } from '../service/config';
import { createEmbeddedTopic } from '../publishers/embedded/embeddedTopic';
import { createPublisher } from '../publishers/publisher';
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

/**
 * `driftless demo`: the invoice scenario on a fresh embedded SQLite file (or a fresh
 * EventStoreDB, with the projections in that file), then its report.
 */
export const demoCommand = async (args: DemoArgs): Promise<number> => {
  const path = resolve(args.db);
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
        : formatReport(report, published, where, elapsedMs),
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

const formatReport = (
  r: InvoiceDemoReport,
  published: number,
  path: string,
  elapsedMs: number,
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
  ].join('\n');
};
