// Child process for the crash test: runs the projection processor over a SQLite log, with the
// projections in the same file, in small batches, until the log is fully applied. Besides the
// real projections it keeps a counter that is NOT idempotent, so any event applied twice or
// skipped after a kill -9 shows in the final count.
import { createSqliteEventLog } from '../../src/events/sqlite/sqliteEventLog';
import { branchState } from '../../src/projections/branchState';
import { lineage } from '../../src/projections/lineage';
import { createProcessor } from '../../src/projections/processor';
import type { Projection } from '../../src/projections/projection';
import { openProjectionStore } from '../../src/projections/projectionStore';

const [path] = process.argv.slice(2);
const main = async () => {
  const log = createSqliteEventLog({ path: path! });
  const store = openProjectionStore(path!);
  store.db.exec(
    'CREATE TABLE IF NOT EXISTS effects (id INTEGER PRIMARY KEY, count INTEGER, position_sum INTEGER)',
  );
  store.db.exec('INSERT OR IGNORE INTO effects VALUES (1, 0, 0)');
  const counter: Projection = {
    name: 'counter',
    apply: (event, s) => {
      s.statement(
        'UPDATE effects SET count = count + 1, position_sum = position_sum + ? WHERE id = 1',
      ).run(event.position);
    },
  };
  process.stdout.write('ready\n');
  const processor = createProcessor({
    log,
    store,
    projections: [branchState, lineage, counter],
    batchSize: 7,
  });
  await processor.catchUp();
  store.close();
  await log.close();
};
void main();
