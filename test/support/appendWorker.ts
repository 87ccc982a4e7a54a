// Child process for the cross-process tests: appends `count` events to one stream, each with
// the revision it last read as the expected revision, retrying on conflict. Prints the
// revisions it won as JSON.
import { VersionConflictError } from '../../src/events/errors';
import { createSqliteEventLog } from '../../src/events/sqlite/sqliteEventLog';
import { mutated, newId } from './events';

const [path, stream, countText] = process.argv.slice(2);
const main = async () => {
  const log = createSqliteEventLog({ path: path!, pollIntervalMs: 10 });
  const won: number[] = [];
  const branchId = newId();
  while (won.length < Number(countText)) {
    const events = await log
      .readStream(stream!, { direction: 'backwards', limit: 1 })
      .catch(() => []);
    const current = events[0]?.revision;
    try {
      const result = await log.append(stream!, [mutated(branchId, won.length + 1)], {
        expectedRevision: current ?? 'no_stream',
      });
      won.push(result.nextRevision);
    } catch (error) {
      if (!(error instanceof VersionConflictError)) throw error;
    }
  }
  await log.close();
  process.stdout.write(JSON.stringify(won));
};
void main();
