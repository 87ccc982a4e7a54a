import { existsSync, rmSync } from 'node:fs';
import { resolve } from 'node:path';
import { DEMO_WAVES, runInvoiceDemo, type InvoiceDemoReport } from '../demo/invoiceDemo';
import { createSqliteEventLog } from '../events/sqlite/sqliteEventLog';
import { openProjectionStore } from '../projections/projectionStore';
import { createEmbeddedTopic } from '../publishers/embedded/embeddedTopic';
import { createPublisher } from '../publishers/publisher';
import { createProgress } from './progress';

export interface DemoArgs {
  json: boolean;
  seed: number;
  invoices: number;
  /** @defaultValue ./driftless-demo.sqlite */
  db: string;
}

/** `driftless demo`: the invoice scenario on a fresh embedded SQLite file, then its report. */
export const demoCommand = async (args: DemoArgs): Promise<number> => {
  const path = resolve(args.db);
  for (const suffix of ['', '-wal', '-shm']) if (existsSync(path + suffix)) rmSync(path + suffix);
  const log = createSqliteEventLog({ path });
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
        ? JSON.stringify({ ...report, published, log: path })
        : formatReport(report, published, path, elapsedMs),
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
