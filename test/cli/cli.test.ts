import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { TSX } from '../support/childProcess';
import { tempDir } from '../support/tempDir';

const cli = (args: string[], cwd: string) =>
  spawnSync(
    process.execPath,
    [...TSX, join(__dirname, '..', '..', 'src', 'cli', 'main.ts'), ...args],
    {
      cwd,
      encoding: 'utf8',
    },
  );

describe('driftless CLI', () => {
  const dir = tempDir('cli');
  afterAll(() => dir.remove());

  it('runs the demo in a fresh directory and prints one JSON report', () => {
    const result = cli(['demo', '--json', '--invoices', '20', '--seed', '3'], dir.path);
    expect(result.status).toBe(0);
    const report = JSON.parse(result.stdout) as {
      branches: number;
      promoted: number;
      quarantined: number;
      driftCases: { total: number; caught: number; slipped: number };
      log: string;
    };
    expect(report.branches).toBeGreaterThan(100);
    expect(report.promoted).toBeGreaterThan(0);
    expect(report.driftCases.slipped).toBe(0);
    expect(report.driftCases.caught).toBe(report.driftCases.total);
    expect(report.log).toBe(join(dir.path, 'driftless-demo.sqlite'));
    // A progress bar went to stderr, the report alone to stdout.
    expect(result.stderr).toMatch(/invoice steps \[#+/);
  }, 30_000);

  it.each([
    [['nonsense'], /unknown command "nonsense"/],
    [['demo', '--seed', 'abc'], /--seed expects a whole number, got "abc"/],
    [['demo', '--colour'], /Unknown option '--colour'/],
  ])(
    'refuses %p with one line and exit code 2',
    (args, message) => {
      const result = cli(args, dir.path);
      expect(result.status).toBe(2);
      expect(result.stderr.trim().split('\n')).toHaveLength(1);
      expect(result.stderr).toMatch(message);
    },
    30_000,
  );
});
