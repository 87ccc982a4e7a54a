import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { userInfo } from 'node:os';
import { invoice, vendor } from '../../src/demo/invoiceDomain';
import { createSqliteEventLog } from '../../src/events/sqlite/sqliteEventLog';
import { createRegistry } from '../../src/projections/defineEntity';
import { openProjectionStore } from '../../src/projections/projectionStore';
import { createPromoter } from '../../src/promoter/promoter';
import { TSX } from '../support/childProcess';
import { opened } from '../support/events';
import { tempDir } from '../support/tempDir';

const DEMO_ENTITIES = join(__dirname, '..', '..', 'src', 'demo', 'invoiceDomain.ts');

const cli = (args: string[], cwd: string, env: Record<string, string> = {}) =>
  spawnSync(
    process.execPath,
    [...TSX, join(__dirname, '..', '..', 'src', 'cli', 'main.ts'), ...args],
    { cwd, encoding: 'utf8', env: { ...process.env, DRIFTLESS_ENTITIES: '', ...env } },
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
      published: number;
      driftCases: { total: number; caught: number; slipped: number };
      log: string;
    };
    expect(report.branches).toBeGreaterThan(100);
    expect(report.promoted).toBeGreaterThan(0);
    expect(report.driftCases.slipped).toBe(0);
    expect(report.published).toBe(report.promoted);
    expect(report.driftCases.caught).toBe(report.driftCases.total);
    expect(report.log).toBe(join(dir.path, 'driftless-demo.sqlite'));
    // A progress bar went to stderr, the report alone to stdout.
    expect(result.stderr).toMatch(/invoice steps \[#+/);
  }, 30_000);

  it('ends its report with commands that run as printed on its file', () => {
    const shown = cli(['demo', '--invoices', '10', '--db', 'next.sqlite'], dir.path);
    expect(shown.status).toBe(0);
    const next = shown.stdout
      .split('\n')
      .filter((l) => l.startsWith('      npx driftless quarantine'));
    expect(next).toHaveLength(2);
    expect(next[0]).toContain('--log sqlite:./next.sqlite --entities ');
    const list = next[0]!.trim().split(' ').slice(2); // after "npx driftless"
    const listed = cli(list, dir.path);
    expect(listed.status).toBe(0);
    expect(listed.stdout).toMatch(/^\d+ quarantined:\n/);
  }, 30_000);

  it('replaces its own file on a second run, and refuses any file it did not write', async () => {
    const own = join(dir.path, 'again.sqlite');
    expect(cli(['demo', '--json', '--invoices', '3', '--db', own], dir.path).status).toBe(0);
    const again = cli(['demo', '--json', '--invoices', '3', '--db', own], dir.path);
    expect(again.status).toBe(0);
    expect((JSON.parse(again.stdout) as { branches: number }).branches).toBeLessThan(60);
    // A log a service wrote (one event) and a file that is not SQLite stay as they were.
    const real = join(dir.path, 'real.sqlite');
    const log = createSqliteEventLog({ path: real });
    await log.append('driftless-branch-x', [opened()], { expectedRevision: 'no_stream' });
    await log.close();
    const text = join(dir.path, 'notes.txt');
    writeFileSync(text, 'not a database');
    for (const [file, why] of [
      [real, /it holds a log of 1 events that no demo wrote/],
      [text, /it is not a SQLite database a demo wrote \(file is not a database\)/],
    ] as const) {
      const before = readFileSync(file);
      const refused = cli(['demo', '--db', file], dir.path);
      expect(refused.status).toBe(2);
      expect(refused.stderr).toMatch(why);
      expect(refused.stderr).toMatch(/give it another --db/);
      expect(readFileSync(file).equals(before)).toBe(true);
    }
  }, 60_000);

  it.each([
    [['nonsense'], /unknown command "nonsense"/],
    [['abandon', 'B-1'], /abandon expects <branchId> --reason "why", got "B-1"/],
    [
      [
        'branches',
        '--status',
        'done',
        '--log',
        'sqlite:driftless-demo.sqlite',
        '--entities',
        'x.js',
      ],
      /--status expects open or committed, got "done"/,
    ],
    [['demo', '--seed', 'abc'], /--seed expects a whole number, got "abc"/],
    [['demo', '--invoices', '0'], /--invoices expects 1 or more, got "0"/],
    [['demo', '--colour'], /Unknown option '--colour'/],
    [
      ['demo', '--db', 'no-such-dir/d.sqlite'],
      /cannot create the demo file at no-such-dir\/d\.sqlite: the directory .*no-such-dir does not exist/,
    ],
    [
      ['serve', '--log', 'sqlite:no-such-dir/l.sqlite', '--entities', 'x.js'],
      /cannot create the log at .*no-such-dir\/l\.sqlite: the directory/,
    ],
    [
      ['quarantine', 'list', '--log', 'sqlite:typo.sqlite', '--entities', 'x.js'],
      /no log at .*typo\.sqlite: this command reads an existing one/,
    ],
    [
      ['blame', 'invoice/INV-1', '/total', '--log', 'sqlite:typo.sqlite', '--entities', 'x.js'],
      /no log at .*typo\.sqlite/,
    ],
  ])(
    'refuses %p with one line and exit code 2',
    (args, message) => {
      const result = cli(args, dir.path);
      expect(result.status).toBe(2);
      expect(result.stderr.trim().split('\n')).toHaveLength(1);
      expect(result.stderr).toMatch(message);
      // A mistyped path creates nothing.
      expect(existsSync(join(dir.path, 'typo.sqlite'))).toBe(false);
    },
    30_000,
  );

  it('lists, shows, releases and discards quarantined branches of a demo file', () => {
    const db = join(dir.path, 'q.sqlite');
    expect(cli(['demo', '--json', '--invoices', '20', '--db', db], dir.path).status).toBe(0);
    const config = ['--log', `sqlite:${db}`, '--entities', DEMO_ENTITIES];
    const list = () => {
      const result = cli(['quarantine', 'list', '--json', ...config], dir.path);
      expect(result.status).toBe(0);
      return JSON.parse(result.stdout) as {
        branchId: string;
        entity: { id: string };
        violations: { code: string }[];
      }[];
    };
    const before = list();
    expect(before.length).toBeGreaterThan(1);
    const [first, second] = before as [(typeof before)[0], (typeof before)[0]];

    const shown = cli(['quarantine', 'show', first.branchId, '--json', ...config], dir.path);
    expect(JSON.parse(shown.stdout)).toMatchObject({
      branchId: first.branchId,
      violations: first.violations,
    });
    const read = cli(['quarantine', 'show', first.branchId, ...config], dir.path).stdout;
    expect(read).toMatch(
      new RegExp(`^quarantined branch ${first.branchId}: invoice/INV-\\d+, phase `),
    );
    for (const v of first.violations) expect(read).toMatch(new RegExp(`\\n  ${v.code} +/`));
    expect(read).toMatch(/\ncandidate\n {2}\/\w+ {2}/);
    expect(read).toContain(`then: driftless quarantine release ${first.branchId} --reason`);
    const human = cli(['quarantine', 'list', ...config], dir.path).stdout;
    expect(human).toContain(`${before.length} quarantined:`);
    expect(human).toContain(`${first.branchId}  invoice/`);
    // Filtered by entity and by violation code, the same entries as the full list holds.
    const filtered = (...args: string[]) =>
      JSON.parse(cli(['quarantine', 'list', '--json', ...args, ...config], dir.path).stdout) as {
        branchId: string;
        entity: { id: string };
        violations: { code: string }[];
      }[];
    const code = first.violations[0]!.code;
    expect(filtered('--code', code).map((q) => q.branchId)).toEqual(
      before.filter((q) => q.violations.some((v) => v.code === code)).map((q) => q.branchId),
    );
    const mine = filtered('--entity', `invoice/${first.entity.id}`);
    expect(mine.map((q) => q.branchId)).toContain(first.branchId);
    expect(new Set(mine.map((q) => q.entity.id)).size).toBe(1);
    expect(cli(['quarantine', 'list', '--entity', 'vendor/V-1', ...config], dir.path).stdout).toBe(
      'quarantine is empty (vendor/V-1)\n',
    );
    expect(cli(['quarantine', 'list', '--code', 'STALE', ...config], dir.path)).toMatchObject({
      status: 2,
      stderr: expect.stringMatching(
        /not a violation code \(expected one of SCHEMA_INVALID, .*received STALE\)/,
      ),
    });

    const release = ['quarantine', 'release', first.branchId, '--reason', 'vendor fixed'];
    expect(cli([...release, '--by', 'ops', ...config], dir.path).stdout).toMatch(/^released /);
    const discard = ['quarantine', 'discard', second.branchId, '--reason', 'duplicate'];
    expect(cli([...discard, ...config], dir.path).stdout).toMatch(/^discarded /);
    expect(list().map((q) => q.branchId)).toEqual(before.slice(2).map((q) => q.branchId));
    // A released branch waits for the promoter; a discarded one is over.
    expect(cli(['quarantine', 'show', first.branchId, ...config], dir.path)).toMatchObject({
      status: 1,
      stdout: `${first.branchId} is not in quarantine (committed)\n`,
    });
    const again = cli(
      ['quarantine', 'release', second.branchId, '--reason', 'r', ...config],
      dir.path,
    );
    expect(again.status).toBe(2);
    expect(again.stderr).toMatch(/not in quarantine .*abandoned/);
  }, 60_000);

  it('settles a quarantined conflict with --take, and says so in branch and blame', async () => {
    const db = join(dir.path, 'take.sqlite');
    expect(cli(['demo', '--json', '--invoices', '20', '--db', db], dir.path).status).toBe(0);
    const config = ['--log', `sqlite:${db}`, '--entities', DEMO_ENTITIES];
    const entries = JSON.parse(
      cli(['quarantine', 'list', '--code', 'UNRESOLVED_CONFLICT', '--json', ...config], dir.path)
        .stdout,
    ) as {
      branchId: string;
      entity: { id: string };
      violations: { code: string; path: string }[];
    }[];
    const entry = entries.find((e) => e.violations.length === 1)!;
    const path = entry.violations[0]!.path;
    expect(cli(['quarantine', 'list', ...config], dir.path).stdout).toContain(
      `\n${entry.branchId}  invoice/${entry.entity.id}  UNRESOLVED_CONFLICT (${path})\n`,
    );
    const release = ['quarantine', 'release', entry.branchId, '--reason', 'checked the rate'];
    for (const [take, why] of [
      ['/nope=branch', `is in conflict at ${path} only`],
      ['sideways', 'not a side to take (expected head, branch, or /path=head|branch'],
    ])
      expect(cli([...release, '--take', take!, ...config], dir.path)).toMatchObject({
        status: 2,
        stderr: expect.stringContaining(why!) as string,
      });
    expect(cli([...release, '--take', 'branch', ...config], dir.path).stdout).toBe(
      `released ${entry.branchId}: the promoter puts it through the gate again, taking ${path} from the branch\n`,
    );
    // The promoter's next round, as serve would run it.
    const log = createSqliteEventLog({ path: db });
    const store = openProjectionStore(db);
    const promoter = createPromoter({ log, store, registry: createRegistry([invoice, vendor]) });
    expect(await promoter.runOnce()).toMatchObject({ promoted: 1, quarantined: 0 });
    store.close();
    await log.close();
    const report = cli(['branch', entry.branchId, ...config], dir.path).stdout;
    expect(report).toContain(
      `QuarantineReleased  ${userInfo().username}: released: checked the rate; took ${path} from the branch`,
    );
    const entity = `invoice/${entry.entity.id}`;
    expect(cli(['blame', entity, path, ...config], dir.path).stdout).toContain(
      "rule operator:branch (an operator took the branch's value on release from quarantine)",
    );

    // A side taken settles the conflict, not the branch's other violations: it says so.
    const both = entries.find((e) => e.violations.some((v) => v.code === 'PHASE_VIOLATION'))!;
    expect(
      cli(
        ['quarantine', 'release', both.branchId, '--take', 'head', '--reason', 'r', ...config],
        dir.path,
      ).stdout,
    ).toContain(
      '(it was also quarantined for PHASE_VIOLATION, which taking a side does not change)',
    );

    // Many at once: what `list --code` shows.
    const codes = (code: string) =>
      (
        JSON.parse(
          cli(['quarantine', 'list', '--code', code, '--json', ...config], dir.path).stdout,
        ) as unknown[]
      ).length;
    const late = codes('PHASE_VIOLATION');
    expect(late).toBeGreaterThan(1);
    const discarded = cli(
      ['quarantine', 'discard', '--code', 'PHASE_VIOLATION', '--reason', 'late', ...config],
      dir.path,
    );
    expect(discarded.status).toBe(0);
    expect(discarded.stdout.trim().split('\n')).toHaveLength(late + 1);
    expect(discarded.stdout).toMatch(
      new RegExp(`\ndiscarded ${late} of ${late} quarantined \\(PHASE_VIOLATION\\)\n$`),
    );
    expect(codes('PHASE_VIOLATION')).toBe(0);
    // A side to take for branches with no conflict: each refused and said, exit code 1.
    const orphaned = codes('ORPHANED_LINK');
    const refused = cli(
      [
        'quarantine',
        'release',
        '--code',
        'ORPHANED_LINK',
        '--take',
        'head',
        '--reason',
        'r',
        ...config,
      ],
      dir.path,
    );
    expect(refused.status).toBe(1);
    expect(refused.stdout).toContain('was not quarantined for a conflict (ORPHANED_LINK)');
    expect(refused.stdout).toContain(`released 0 of ${orphaned} quarantined (ORPHANED_LINK)`);
    expect(codes('ORPHANED_LINK')).toBe(orphaned);
    expect(cli(['quarantine', 'discard', '--reason', 'r', ...config], dir.path)).toMatchObject({
      status: 2,
      stderr: expect.stringContaining(
        'name a branch, or choose branches with --code or --entity',
      ) as string,
    });
  }, 60_000);

  it('answers blame, lineage and branch on a demo file, and refuses bad ids with exit code 2', () => {
    const db = join(dir.path, 'audit.sqlite');
    expect(cli(['demo', '--json', '--invoices', '10', '--db', db], dir.path).status).toBe(0);
    const config = ['--log', `sqlite:${db}`, '--entities', DEMO_ENTITIES];
    const blamed = cli(['blame', 'invoice/INV-3', '/lines', '--json', ...config], dir.path);
    expect(blamed.status).toBe(0);
    const entries = JSON.parse(blamed.stdout) as { versionId: string; actors: string[] }[];
    expect(entries.length).toBeGreaterThan(0);
    expect(entries[0]!.actors).toContain('extractor');
    expect(cli(['blame', 'invoice/INV-3', '/lines/0/qty', ...config], dir.path).stdout).toBe(
      '/lines/0/qty was never set on invoice/INV-3; elements of /lines are addressed by their sku (as in ops), not by position: /lines/<sku>/qty\n',
    );
    const mermaid = cli(
      ['lineage', entries.at(-1)!.versionId, '--format', 'mermaid', ...config],
      dir.path,
    );
    expect(mermaid.stdout).toMatch(/^flowchart TD\n/);
    expect(mermaid.stdout).toContain(entries.at(-1)!.versionId);
    // An entity names its head: the same DAG as the head's version id gives.
    const byEntity = cli(['lineage', 'invoice/INV-3', '--json', ...config], dir.path);
    const headId = (JSON.parse(byEntity.stdout) as { versionId: string }).versionId;
    expect(cli(['lineage', headId, '--json', ...config], dir.path).stdout).toBe(byEntity.stdout);
    const published = cli(
      ['snapshots', '--entity', 'invoice/INV-3', '--json', ...config],
      dir.path,
    );
    const last = JSON.parse(published.stdout.trim().split('\n').at(-1)!) as { versionId: string };
    expect(headId).toBe(last.versionId);
    const branchId = (JSON.parse(blamed.stdout) as { branchIds: string[] }[])[0]!.branchIds[0]!;
    expect(cli(['branch', branchId, ...config], dir.path).stdout).toMatch(
      new RegExp(
        `^branch ${branchId}: invoice/INV-3, phase reasoning, actor extractor[\\s\\S]*outcome +promoted as v1 `,
      ),
    );
    for (const [args, message] of [
      [['blame', 'invoice/INV-999', '/total'], /no such entity in the log/],
      [['blame', 'invoice/INV-3', 'total'], /not a JSON pointer/],
      [['blame', 'INV-3', '/total'], /expected type\/id/],
      [['lineage', '01ARZ3NDEKTSV4RRFFQ69G5FAV'], /no such version/],
      [['lineage', 'invoice/INV-999'], /unknown entity: .*no such entity/],
      [['branch', '01ARZ3NDEKTSV4RRFFQ69G5FAV'], /no such branch/],
      [['lineage', entries[0]!.versionId, '--format', 'png'], /--format is invalid/],
    ] as const) {
      const result = cli([...args, ...config], dir.path);
      expect([result.status, result.stderr]).toEqual([2, expect.stringMatching(message)]);
    }
  }, 60_000);

  it.each([
    [['serve'], {}, /DRIFTLESS_ENTITIES is missing/],
    [
      ['serve', '--worker', '2/2'],
      { DRIFTLESS_ENTITIES: 'x.js' },
      /--worker is invalid \(expected i\/N/,
    ],
    [
      ['serve'],
      { DRIFTLESS_ENTITIES: 'x.js', DRIFTLESS_LOG: 'postgres://db' },
      /DRIFTLESS_LOG is invalid/,
    ],
    [
      ['serve'],
      { DRIFTLESS_ENTITIES: './nowhere.js' },
      /cannot load entity types from .*nowhere\.js/,
    ],
    [['quarantine', 'show'], { DRIFTLESS_ENTITIES: '' }, /DRIFTLESS_ENTITIES is missing/],
    [['quarantine', 'sweep'], {}, /quarantine expects list \| show/],
    [['demo', '--invoices', '-3'], {}, /'--invoices' argument is ambiguous\. Did you forget/],
  ])('refuses %p with env %p: one line naming what is wrong, exit code 2', (args, env, message) => {
    const result = cli(args, dir.path, env);
    expect(result.stderr).toMatch(message);
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
    expect(result.status).toBe(2);
  });
});
