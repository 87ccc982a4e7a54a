import { runCli } from '../support/childProcess';
import { useEsdbEmulator } from '../support/esdbFixture';

const cli = (args: string[], cwd: string) => runCli(args, { cwd });

type Report = Record<string, unknown> & { log: string; published: number; promoted: number };

describe('driftless demo on EventStoreDB (emulator)', () => {
  const { dir, emulator } = useEsdbEmulator('demo-esdb');

  it('gives the same report as on SQLite for the same seed, then refuses a used log', async () => {
    const demo = ['demo', '--json', '--invoices', '12', '--seed', '9'];
    const onSqlite = await cli([...demo, '--db', dir.file('sqlite.sqlite')], dir.path);
    const onEsdb = await cli(
      [...demo, '--db', dir.file('state.sqlite'), '--log', emulator().url],
      dir.path,
    );
    expect(onSqlite.stderr).not.toMatch(/driftless:/);
    expect(onEsdb.stderr).not.toMatch(/driftless:/);
    expect([onSqlite.status, onEsdb.status]).toEqual([0, 0]);
    const sqlite = JSON.parse(onSqlite.stdout) as Report;
    const esdb = JSON.parse(onEsdb.stdout) as Report;
    expect(esdb.log).toBe(emulator().url);
    expect(esdb.state).toBe(dir.file('state.sqlite'));
    const { log: _a, ...sqliteReport } = sqlite;
    const { log: _b, state: _c, ...esdbReport } = esdb;
    expect(esdbReport).toEqual(sqliteReport);
    expect(esdb.promoted).toBeGreaterThan(0);
    expect(esdb.published).toBe(esdb.promoted);
    // The events are in the server's log, not in the state file.
    expect(
      emulator()
        .store.all()
        .filter((e) => e.stream.startsWith('driftless-')).length,
    ).toBeGreaterThan(esdb.promoted);

    const again = await cli(
      [...demo, '--db', dir.file('again.sqlite'), '--log', emulator().url],
      dir.path,
    );
    expect(again.status).toBe(2);
    expect(again.stderr.trim().split('\n')).toHaveLength(1);
    expect(again.stderr).toMatch(/the demo needs a fresh database/);
  }, 90_000);
});
