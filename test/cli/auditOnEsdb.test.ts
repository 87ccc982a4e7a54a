import { join } from 'node:path';
import { loadConfig } from '../../src/service/config';
import { openService } from '../../src/service/openService';
import { runCli } from '../support/childProcess';
import { useEsdbEmulator } from '../support/esdbFixture';

const DEMO_ENTITIES = join(__dirname, '..', '..', 'src', 'demo', 'invoiceDomain.ts');

const cli = (args: string[], cwd: string) =>
  runCli(args, { cwd, env: { DRIFTLESS_ENTITIES: DEMO_ENTITIES } });

describe('audit commands on EventStoreDB (emulator)', () => {
  const { dir, emulator } = useEsdbEmulator('audit-esdb');

  it('replays, verifies and measures drift as on SQLite', async () => {
    const demo = ['demo', '--json', '--invoices', '10', '--seed', '9'];
    const sqliteFile = dir.file('sqlite.sqlite');
    const state = dir.file('state.sqlite');
    expect((await cli([...demo, '--db', sqliteFile], dir.path)).status).toBe(0);
    expect((await cli([...demo, '--db', state, '--log', emulator().url], dir.path)).status).toBe(0);
    const onSqlite = ['--log', `sqlite:${sqliteFile}`];
    const onEsdb = ['--log', emulator().url, '--state', state];
    for (const command of ['verify', 'drift']) {
      const a = await cli([command, '--json', ...onSqlite], dir.path);
      const b = await cli([command, '--json', ...onEsdb], dir.path);
      expect([a.status, b.status, b.stderr]).toEqual([0, 0, expect.any(String)]);
      const [x, y] = [
        JSON.parse(a.stdout) as Record<string, unknown>,
        JSON.parse(b.stdout) as Record<string, unknown>,
      ];
      if (command === 'verify') expect(y).toMatchObject({ verified: true });
      else
        expect({ ...y, promotionLatencyMs: undefined }).toEqual({
          ...x,
          promotionLatencyMs: undefined,
        });
    }
    // In parts, each part reads $all and keeps its own entities' events.
    const whole = await cli(['replay', '--json', ...onEsdb], dir.path);
    const parted = await cli(['replay', '--json', '--jobs', '2', ...onEsdb], dir.path);
    expect(parted.status).toBe(0);
    const counts = (stdout: string) => {
      const { events, versions, heads } = JSON.parse(stdout) as {
        events: number;
        versions: number;
        heads: { versionId: string }[];
      };
      return { events, versions, heads: heads.map((h) => h.versionId).sort() };
    };
    expect(counts(parted.stdout)).toEqual(counts(whole.stdout));
    const bad = await cli(['replay', '--until', '99999999999', ...onEsdb], dir.path);
    expect([bad.status, bad.stderr]).toEqual([2, expect.stringMatching(/past the end of the log/)]);

    // An operator settles a conflict on the server; the promoter takes it; verify agrees.
    const conflicts = JSON.parse(
      (
        await cli(
          ['quarantine', 'list', '--code', 'UNRESOLVED_CONFLICT', '--json', ...onEsdb],
          dir.path,
        )
      ).stdout,
    ) as { branchId: string; violations: unknown[] }[];
    const one = conflicts.find((c) => c.violations.length === 1)!;
    const release = ['quarantine', 'release', one.branchId, '--take', 'branch', '--reason', 'r'];
    expect((await cli([...release, ...onEsdb], dir.path)).stdout).toContain(', taking /');
    const config = loadConfig({}, { log: emulator().url, entities: DEMO_ENTITIES, state });
    const service = await openService(config);
    expect(await service.promoter.runOnce()).toMatchObject({ promoted: 1, quarantined: 0 });
    await service.close();
    const verified = await cli(['verify', '--json', ...onEsdb], dir.path);
    expect(JSON.parse(verified.stdout)).toMatchObject({ verified: true });
  }, 120_000);
});
