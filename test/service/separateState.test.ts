import Database from 'better-sqlite3';
import { join } from 'node:path';
import { loadConfig } from '../../src/service/config';
import { openService } from '../../src/service/openService';
import { commitInvoices } from '../support/esdbFixture';
import { tempDir } from '../support/tempDir';

const ENTITIES = join(__dirname, '..', 'support', 'testEntities.ts');

describe('a SQLite log with a state file of its own', () => {
  const dir = tempDir('separate-state');
  afterAll(() => dir.remove());

  it('promotes from the log file and publishes into the state file, twice over a restart', async () => {
    const [log, state] = [dir.file('log.sqlite'), dir.file('state.sqlite')];
    const config = loadConfig({}, { log: `sqlite:${log}`, entities: ENTITIES, state });
    const first = await openService(config);
    await commitInvoices(first.log, 3);
    expect(await first.promoter.runOnce()).toMatchObject({ promoted: 3 });
    expect(await first.publish()).toBe(3);
    await first.close();

    const second = await openService(config);
    expect(await second.promoter.runOnce()).toMatchObject({ promoted: 0 });
    expect(await second.publish()).toBe(0); // the topic and its checkpoint kept their place
    await second.close();
    const tables = (file: string) => {
      const db = new Database(file, { readonly: true });
      try {
        const names = db.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").all();
        return (names as { name: string }[]).map((t) => t.name);
      } finally {
        db.close();
      }
    };
    // The log file holds the log; projections and topic (3 snapshots) are in the state file.
    expect(tables(log)).not.toContain('snapshot_topic');
    expect(tables(state)).toEqual(expect.arrayContaining(['snapshot_topic', 'heads']));
    expect(tables(state)).not.toContain('events');
    const db = new Database(state, { readonly: true });
    expect(db.prepare('SELECT count(*) AS n FROM snapshot_topic').get()).toEqual({ n: 3 });
    db.close();
  });
});
