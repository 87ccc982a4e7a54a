import { createSqliteEventLog } from '../../src/events/sqlite/sqliteEventLog';
import { openBranch } from '../../src/sdk/openBranch';

/**
 * `n` committed branches (three events each) of invoices INV-0… written straight to the SQLite
 * log at `path`, a hundred at a time: no promoter has seen them.
 */
export const writeBranches = async (path: string, n: number): Promise<void> => {
  const log = createSqliteEventLog({ path });
  for (let i = 0; i < n; i += 100)
    await Promise.all(
      Array.from({ length: Math.min(100, n - i) }, async (_, j) => {
        const branch = await openBranch({
          log,
          entity: { type: 'invoice', id: `INV-${i + j}` },
          phase: 'default',
          actor: 'agent',
          from: null,
        });
        await branch.set('/total', i + j).commit();
      }),
    );
  await log.close();
};
