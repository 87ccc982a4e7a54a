import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { TSX } from '../support/childProcess';
import { startEsdbEmulator, type EsdbEmulator } from '../support/esdbEmulator/emulator';
import { tempDir } from '../support/tempDir';

const MAIN = join(__dirname, '..', '..', 'src', 'cli', 'main.ts');
const DEMO_ENTITIES = join(__dirname, '..', '..', 'src', 'demo', 'invoiceDomain.ts');

const cli = (args: string[], cwd: string) =>
  new Promise<{ status: number | null; stdout: string; stderr: string }>((resolve, reject) => {
    const child = spawn(process.execPath, [...TSX, MAIN, ...args], {
      cwd,
      env: { ...process.env, DRIFTLESS_ENTITIES: DEMO_ENTITIES },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (status) => resolve({ status, stdout, stderr }));
  });

describe('audit commands on EventStoreDB (emulator)', () => {
  const dir = tempDir('audit-esdb');
  let emulator: EsdbEmulator;
  beforeAll(async () => {
    emulator = await startEsdbEmulator();
  });
  afterAll(async () => {
    await emulator.stop();
    dir.remove();
  });

  it('replays, verifies and measures drift as on SQLite', async () => {
    const demo = ['demo', '--json', '--invoices', '10', '--seed', '9'];
    const sqliteFile = dir.file('sqlite.sqlite');
    const state = dir.file('state.sqlite');
    expect((await cli([...demo, '--db', sqliteFile], dir.path)).status).toBe(0);
    expect((await cli([...demo, '--db', state, '--log', emulator.url], dir.path)).status).toBe(0);
    const onSqlite = ['--log', `sqlite:${sqliteFile}`];
    const onEsdb = ['--log', emulator.url, '--state', state];
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
    const bad = await cli(['replay', '--until', '99999999999', ...onEsdb], dir.path);
    expect([bad.status, bad.stderr]).toEqual([2, expect.stringMatching(/past the end of the log/)]);
  }, 120_000);
});
