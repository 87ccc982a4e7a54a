import { existsSync, rmSync } from 'node:fs';
import { resolve } from 'node:path';
import { createSqliteEventLog } from '../events/sqlite/sqliteEventLog';
import { runEventLogDemo, type EventLogDemoReport } from '../demo/eventLogDemo';
import { createProgress } from './progress';

export interface DemoArgs {
  json: boolean;
  seed: number;
  invoices: number;
  /** @defaultValue ./driftless-demo.sqlite */
  db: string;
}

/** `driftless demo`: runs the scenario on a fresh embedded log and prints its report. */
export const demoCommand = async (args: DemoArgs): Promise<number> => {
  const path = resolve(args.db);
  for (const suffix of ['', '-wal', '-shm']) if (existsSync(path + suffix)) rmSync(path + suffix);
  const log = createSqliteEventLog({ path });
  const progress = createProgress('invoices', args.invoices);
  const started = Date.now();
  try {
    const report = await runEventLogDemo({
      log,
      seed: args.seed,
      invoices: args.invoices,
      onProgress: (n) => progress.update(n),
    });
    progress.finish();
    const elapsedMs = Date.now() - started;
    console.log(
      args.json ? JSON.stringify({ ...report, log: path }) : formatReport(report, path, elapsedMs),
    );
    return 0;
  } finally {
    await log.close();
  }
};

const formatReport = (r: EventLogDemoReport, path: string, elapsedMs: number): string =>
  [
    '',
    `Driftless demo: the event log at work (seed-reproducible), ${path}`,
    `  invoices             ${r.invoices}`,
    `  branches written     ${r.branches} (5 agents per invoice, concurrently)`,
    `  events appended      ${r.eventsAppended}, last position ${r.lastPosition}`,
    ...Object.entries(r.eventsByType).map(([type, n]) => `    ${type.padEnd(18)} ${n}`),
    `  live subscription    ${r.eventsSubscribed} of ${r.eventsAppended} events received`,
    `  idempotent retries   ${r.idempotentRetries} re-sent batches answered from the log, none written twice`,
    `  conflicts caught     ${r.conflictsCaught} stale writers refused by the expected revision`,
    `  bad events refused   ${r.rejected.length}, nothing written:`,
    ...r.rejected.map((x) => `    - ${x.case}: ${x.error}`),
    `  took ${elapsedMs} ms`,
  ].join('\n');
