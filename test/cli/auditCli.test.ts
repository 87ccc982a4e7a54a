import Database from 'better-sqlite3';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { driftReport } from '../../src/audit/driftReport';
import { createSqliteEventLog } from '../../src/events/sqlite/sqliteEventLog';
import { openBranch } from '../../src/sdk/openBranch';
import { TSX } from '../support/childProcess';
import { tempDir } from '../support/tempDir';

const MAIN = join(__dirname, '..', '..', 'src', 'cli', 'main.ts');
const DEMO_ENTITIES = join(__dirname, '..', '..', 'src', 'demo', 'invoiceDomain.ts');

const dir = tempDir('audit-cli');
afterAll(() => dir.remove());

const cli = (args: string[]) =>
  spawnSync(process.execPath, [...TSX, MAIN, ...args], {
    cwd: dir.path,
    encoding: 'utf8',
    env: { ...process.env, DRIFTLESS_ENTITIES: DEMO_ENTITIES },
  });

const demo = (name: string) => {
  const db = dir.file(name);
  expect(cli(['demo', '--json', '--invoices', '12', '--seed', '5', '--db', db]).status).toBe(0);
  return { db, config: ['--log', `sqlite:${db}`] };
};

describe('driftless replay, verify, drift and lineage --html', () => {
  it('replays and verifies a demo file, draws a lineage page, and fails verify after an edit', () => {
    const { db, config } = demo('audit.sqlite');
    const replayed = cli(['replay', '--json', ...config]);
    expect(replayed.status).toBe(0);
    const summary = JSON.parse(replayed.stdout) as {
      versions: number;
      heads: { entity: { id: string }; versionId: string; ordinal: number }[];
    };
    expect(summary.versions).toBeGreaterThan(30);
    const verified = cli(['verify', '--json', ...config]);
    expect([verified.status, JSON.parse(verified.stdout)]).toEqual([
      0,
      expect.objectContaining({ verified: true }),
    ]);
    // A progress bar on stderr (plain lines when stderr is not a terminal).
    expect(verified.stderr).toMatch(/^replay \[#+\] \d+\/\d+ 100%/m);
    const drift = JSON.parse(cli(['drift', '--json', ...config]).stdout) as { promotions: number };
    expect(drift.promotions).toBe(summary.versions);
    const driftText = cli(['drift', ...config]).stdout;
    expect(driftText).toContain(`drift: ${summary.versions} promotions`);
    // Each bucket says its range: the first latency one is 0-5 ms, not "5 ms".
    expect(driftText).toMatch(/\n {6}0 +\d+ +#*\n {6}1 +\d+/);
    expect(driftText).toMatch(/\n {6}0-5 ms +\d+ +#*\n {6}6-10 ms +\d+/);

    const deepest = summary.heads.reduce((a, b) => (b.ordinal > a.ordinal ? b : a));
    const page = dir.file('lineage.html');
    const drawn = cli(['lineage', deepest.versionId, '--html', page, ...config]);
    expect([drawn.status, drawn.stdout]).toEqual([0, '']);
    const html = readFileSync(page, 'utf8');
    expect(html.match(/<g class="version/g)).toHaveLength(deepest.ordinal);
    expect(html).not.toMatch(/(src|href)="(https?:)?\/\//);

    const db3 = new Database(db);
    const row = db3
      .prepare(
        `SELECT position, data FROM events WHERE type = 'MutationRecorded' AND data LIKE '%"path":"/total","value":%' LIMIT 1 OFFSET 3`,
      )
      .get() as { position: number; data: string };
    db3
      .prepare('UPDATE events SET data = ? WHERE position = ?')
      .run(
        row.data.replace(/"path":"\/total","value":[\d.]+/, '"path":"/total","value":99.5'),
        row.position,
      );
    db3.close();
    const failed = cli(['verify', ...config]);
    expect(failed.status).toBe(1);
    expect(failed.stdout).toMatch(/^MISMATCH at version [0-9A-Z]{26} \(v\d+ of invoice\/INV-\d+/);
    expect(failed.stdout).toMatch(/\n {2}\/total +recorded [\d.]+ +recomputed 99\.5\n/);
    // In parts, the same first mismatch: the earliest of each part's first.
    const inParts = cli(['verify', '--jobs', '2', ...config]);
    expect(inParts.status).toBe(1);
    expect(inParts.stdout.split('\n')[0]).toBe(failed.stdout.split('\n')[0]);
  }, 90_000);

  it('measures replay progress against the end of the log, also where the projections lag behind', async () => {
    const { db, config } = demo('lagging.sqlite');
    const log = createSqliteEventLog({ path: db });
    const branch = await openBranch({
      log,
      entity: { type: 'invoice', id: 'INV-1' },
      phase: 'enrichment',
      actor: 'late-agent',
    });
    await branch.set('/vat', 0.07).commit(); // written after the last promoter run: not applied
    await log.close();
    const file = new Database(db, { readonly: true });
    const { end, applied } = file
      .prepare(
        "SELECT (SELECT max(position) FROM events) AS end, (SELECT position FROM projection_checkpoints WHERE name = 'projections') AS applied",
      )
      .get() as { end: number; applied: number };
    file.close();
    expect(applied).toBeLessThan(end);
    const replayed = cli(['replay', ...config]);
    expect(replayed.status).toBe(0);
    expect(replayed.stderr.trim().split('\n').at(-1)).toMatch(
      new RegExp(`^replay \\[#{30}\\] ${end}/${end} 100%`),
    );
  }, 60_000);

  it('replays and verifies in parts, in processes of their own, with the same outcome', () => {
    const { config } = demo('parts.sqlite');
    type Summary = { events: number; versions: number; heads: { versionId: string }[] };
    const whole = JSON.parse(cli(['replay', '--json', ...config]).stdout) as Summary;
    const parted = cli(['replay', '--json', '--jobs', '3', ...config]);
    expect(parted.status).toBe(0);
    expect(parted.stderr).toMatch(/^replay x3 \[#+\] \d+\/\d+ 100%/m);
    const inParts = JSON.parse(parted.stdout) as Summary;
    const heads = (s: Summary) => s.heads.map((h) => h.versionId).sort();
    expect([inParts.events, inParts.versions, heads(inParts)]).toEqual([
      whole.events,
      whole.versions,
      heads(whole),
    ]);
    // Each part alone: disjoint, and together the whole.
    const parts = [0, 1].map(
      (i) => JSON.parse(cli(['replay', '--json', '--part', `${i}/2`, ...config]).stdout) as Summary,
    );
    expect(parts.every((p) => p.versions > 0 && p.versions < whole.versions)).toBe(true);
    expect(heads({ ...whole, heads: parts.flatMap((p) => p.heads) })).toEqual(heads(whole));
    const verified = cli(['verify', '--json', '--jobs', '2', ...config]);
    expect([verified.status, JSON.parse(verified.stdout)]).toEqual([
      0,
      expect.objectContaining({
        verified: true,
        summary: expect.objectContaining({ versions: whole.versions }),
      }),
    ]);
  }, 90_000);

  it.each([
    [['replay', '--until', '999999'], /past the end of the log/],
    [['replay', '--until', 'yesterday'], /--until.*not a position or a time/],
    [['verify', '--entity', 'INV-1'], /expected type\/id/],
    [['verify', '--entity', 'invoice/INV-404'], /no such entity in the log/],
    [['drift', '--since', 'soon'], /--since.*not a position or a time/],
    [['replay', 'everything'], /replay takes no arguments/],
    [['lineage', '01ARZ3NDEKTSV4RRFFQ69G5FAV', '--html', 'x.html'], /no such version/],
    [
      ['lineage', '01ARZ3NDEKTSV4RRFFQ69G5FAV', '--html', 'no-dir/x.html'],
      /cannot create the lineage page at no-dir\/x\.html: the directory .*no-dir does not exist/,
    ],
    [['blame', 'invoice/INV-1', '/lines/~2'], /not a JSON pointer/],
    [['verify', '--part', '2/2'], /--part expects i\/N/],
    [['verify', '--jobs', 'two'], /--jobs expects a whole number/],
    [['verify', '--jobs', '0'], /--jobs expects 1 or more, got "0"/],
    [['verify', '--jobs', '2', '--part', '0/2'], /do not go together/],
    [['verify', '--jobs', '2', '--until', '999999'], /past the end of the log/],
    [['verify', '--jobs', '2', '--entities', './no-such-module.js'], /cannot load entity types/],
  ])('refuses %j with one line and exit code 2', (args, message) => {
    const db = dir.file('audit.sqlite');
    if (!existsSync(db)) demo('audit.sqlite');
    const result = cli([...args, '--log', `sqlite:${db}`]);
    expect(result.status).toBe(2);
    expect(result.stderr).toMatch(message);
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
  });

  it('serves the drift figures as Prometheus metrics on serve --metrics-port', async () => {
    const { db, config } = demo('metrics.sqlite');
    const log = createSqliteEventLog({ path: db });
    const report = await driftReport({ log });
    await log.close();
    const child = spawn(
      process.execPath,
      [...TSX, MAIN, 'serve', '--metrics-port', '0', ...config],
      {
        env: { ...process.env, DRIFTLESS_ENTITIES: DEMO_ENTITIES },
      },
    );
    const exited = new Promise<number | null>((r) => child.on('exit', r));
    let stderr = '';
    const url = await new Promise<string>((resolve, reject) => {
      child.stderr.on('data', (d: Buffer) => {
        stderr += d.toString();
        const found = /drift metrics on (http:\/\/127\.0\.0\.1:\d+\/metrics)/.exec(stderr);
        if (found) resolve(found[1]!);
      });
      void exited.then(() => reject(new Error(`serve exited: ${stderr}`)));
    });
    const value = (text: string, metric: string) =>
      Number(new RegExp(`^${metric.replace(/[{}"]/g, '\\$&')} (\\S+)$`, 'm').exec(text)?.[1]);
    let text = '';
    // The metrics follow the log from its start; wait until they have read all of it.
    for (let i = 0; i < 100; i += 1) {
      const response = await fetch(url);
      expect(response.status).toBe(200);
      text = await response.text();
      if (
        value(text, 'driftless_staleness_at_merge_count') === report.promotions &&
        value(text, 'driftless_projections_position') === value(text, 'driftless_log_end_position')
      )
        break;
      await new Promise((r) => setTimeout(r, 100));
    }
    expect((await fetch(url.replace('/metrics', '/nothing'))).status).toBe(404);
    const health = await fetch(url.replace('/metrics', '/health'));
    expect(health.status).toBe(200);
    expect(await health.json()).toMatchObject({
      ok: true,
      status: 'running',
      lastRoundAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT/) as string,
    });
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
    expect(value(text, 'driftless_staleness_at_merge_count')).toBe(report.promotions);
    expect(value(text, 'driftless_staleness_at_merge_bucket{le="0"}')).toBe(
      report.stalenessAtMerge.buckets[0]!.count,
    );
    expect(value(text, 'driftless_quarantined_branches_total')).toBe(report.quarantines);
    for (const [code, n] of Object.entries(report.quarantinesByCode))
      expect(value(text, `driftless_quarantines_total{code="${code}"}`)).toBe(n);
    for (const [rule, n] of Object.entries(report.resolutionsByRule))
      expect(value(text, `driftless_resolutions_total{rule="${rule}"}`)).toBe(n);
    expect(value(text, 'driftless_promotion_latency_seconds_count')).toBe(
      report.promotionLatencyMs.count,
    );
    expect(Object.keys(report.quarantinesByCode).length).toBeGreaterThan(1);
    // What the service has in hand: the demo left nothing waiting, and its quarantine as listed.
    const listed = JSON.parse(cli(['quarantine', 'list', '--json', ...config]).stdout) as unknown[];
    expect(value(text, 'driftless_quarantined_branches')).toBe(listed.length);
    expect(value(text, 'driftless_committed_branches')).toBe(0);
    // One file for log, projections and topic: one series each for its write lock.
    for (const metric of ['wait', 'held'])
      expect(
        value(text, `driftless_sqlite_write_lock_${metric}_seconds_total{file="${db}"}`),
      ).toBeGreaterThanOrEqual(0);
    const { events } = JSON.parse(cli(['replay', '--json', ...config]).stdout) as {
      events: number;
    };
    expect(value(text, 'driftless_log_end_position')).toBeGreaterThanOrEqual(events);
    expect(value(text, 'driftless_projections_position')).toBe(
      value(text, 'driftless_log_end_position'),
    );
  }, 90_000);
});
