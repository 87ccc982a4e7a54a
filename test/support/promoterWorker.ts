// Child process for the promoter crash test: promotes every committed branch in a SQLite log
// (projections and embedded topic in the same file) and publishes while it promotes, until a
// round settles nothing. The parent kills it with SIGKILL at random points and starts it again.
import { createSqliteEventLog } from '../../src/events/sqlite/sqliteEventLog';
import { createRegistry } from '../../src/projections/defineEntity';
import { openProjectionStore } from '../../src/projections/projectionStore';
import { createPromoter } from '../../src/promoter/promoter';
import { createEmbeddedTopic } from '../../src/publishers/embedded/embeddedTopic';
import { createPublisher } from '../../src/publishers/publisher';
import { invoice } from './testEntities';

const [path] = process.argv.slice(2);
const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));

const main = async () => {
  const log = createSqliteEventLog({ path: path! });
  const store = openProjectionStore(path!);
  const topic = createEmbeddedTopic({ path: path! });
  const promoter = createPromoter({ log, store, registry: createRegistry([invoice]) });
  // Small batches: more moments where the topic has a batch the checkpoint does not show yet.
  const publisher = createPublisher({ log, sink: topic, store, batchSize: 16 });
  process.stdout.write('ready\n');
  // Publishing runs alongside the promoter, not after it, so kills land in both.
  let promoting = true;
  const publishing = (async () => {
    while (promoting) {
      await publisher.catchUp();
      await pause(1);
    }
  })();
  for (;;) {
    const r = await promoter.runOnce();
    const settled = r.promoted + r.quarantined + r.lostRaces + r.expired + r.sealed;
    if (settled === 0 && store.committedBranches().length === 0) break;
  }
  promoting = false;
  await publishing;
  await publisher.catchUp();
  await topic.close();
  store.close();
  await log.close();
};
void main();
