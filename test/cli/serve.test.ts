import Database from 'better-sqlite3';
import { spawn, spawnSync, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { createServer, type AddressInfo } from 'node:net';
import { join } from 'node:path';
import type { RecordedEvent } from '../../src/events/eventLog';
import { createSqliteEventLog } from '../../src/events/sqlite/sqliteEventLog';
import { openProjectionStore } from '../../src/projections/projectionStore';
import { createEmbeddedTopic } from '../../src/publishers/embedded/embeddedTopic';
import { openBranch } from '../../src/sdk/openBranch';
import { TSX } from '../support/childProcess';
import { tempDir } from '../support/tempDir';

const MAIN = join(__dirname, '..', '..', 'src', 'cli', 'main.ts');
const ENTITIES = join(__dirname, '..', 'support', 'testEntities.ts');

interface Served {
  child: ChildProcessWithoutNullStreams;
  stderr: () => string;
  exited: Promise<number | null>;
}

/** Starts `driftless serve`; resolves once it printed `ready` (its start line by default). */
const serveWith = (args: string[], ready = 'driftless serve:') =>
  new Promise<Served>((resolve, reject) => {
    const child = spawn(process.execPath, [...TSX, MAIN, 'serve', ...args], {
      env: { ...process.env, DRIFTLESS_ENTITIES: ENTITIES, DRIFTLESS_POLL_MS: '10' },
    });
    let err = '';
    const exited = new Promise<number | null>((r) => child.on('exit', r));
    child.stderr.on('data', (d: Buffer) => {
      err += d.toString();
      if (err.includes(ready)) resolve({ child, stderr: () => err, exited });
    });
    child.on('error', reject);
    void exited.then((code) => reject(new Error(`serve exited ${String(code)} early: ${err}`)));
  });

const serve = (path: string, worker: string) =>
  serveWith(['--log', `sqlite:${path}`, '--worker', worker]);

/** Totals from the line serve prints when it stops. */
const totals = (stderr: string) => {
  const line = /stopped; in total (.*)/.exec(stderr)?.[1] ?? '';
  const count = (name: string) => Number(new RegExp(`${name} (\\d+)`).exec(line)?.[1]);
  return { promoted: count('promoted'), quarantined: count('quarantined') };
};

const outcomes = (events: readonly RecordedEvent[]) => {
  const byBranch = new Map<string, number>();
  for (const e of events) {
    const ids =
      e.type === 'VersionPromoted'
        ? e.data.branchIds
        : e.type === 'BranchQuarantined'
          ? [e.data.branchId]
          : [];
    for (const id of ids) byBranch.set(id, (byBranch.get(id) ?? 0) + 1);
  }
  return byBranch;
};

describe('driftless serve', () => {
  it('waits for a log that is not up yet, retrying each round, and still stops cleanly', async () => {
    const dir = tempDir('serve-down');
    // A port nothing listens on: EventStoreDB not started yet.
    const port = await new Promise<number>((resolve) => {
      const server = createServer().listen(0, '127.0.0.1', () => {
        const { port: p } = server.address() as AddressInfo;
        server.close(() => resolve(p));
      });
    });
    const args = [
      ...['--log', `esdb://127.0.0.1:${port}?tls=false`, '--state', dir.file('s.sqlite')],
      ...['--metrics-port', '0'],
    ];
    const served = await serveWith(args, 'round failed, retrying');
    // Its health check says so, for a container's orchestrator.
    const url = /health on (http:\/\/127\.0\.0\.1:\d+\/health)/.exec(served.stderr())![1]!;
    const health = await fetch(url);
    expect(health.status).toBe(503);
    expect(await health.json()).toMatchObject({
      ok: false,
      status: 'failing',
      lastRoundAt: null,
      tries: expect.any(Number) as number,
      error: expect.stringMatching(/EventStoreDB unavailable/) as string,
    });
    served.child.kill('SIGTERM');
    expect(await served.exited).toBe(0);
    expect(served.stderr()).toMatch(/round failed, retrying: .*EventStoreDB unavailable/);
    expect(served.stderr()).toMatch(/stopped; in total promoted 0/);
    dir.remove();
  }, 60_000);

  it('two promoter processes with overlapping assignments settle each branch once and promote no version twice', async () => {
    const dir = tempDir('serve');
    const path = dir.file('shared.sqlite');
    // Process a takes every entity, b the half whose hash is odd: on those two they race.
    const a = await serve(path, '0/1');
    const b = await serve(path, '1/2');

    // Agents write while both run: 600 branches over 30 invoices, 30 at a time, each from the
    // head it sees; about one in eight sets a string total (schema-invalid).
    const log = createSqliteEventLog({ path, pollIntervalMs: 10 });
    const committed = new Set<string>();
    for (let round = 0; round < 20; round++)
      await Promise.all(
        Array.from({ length: 30 }, async (_, k) => {
          const branch = await openBranch({
            log,
            entity: { type: 'invoice', id: `INV-${(round * 7 + k) % 30}` },
            phase: 'p',
            actor: `agent-${k}`,
          });
          if ((round + k) % 8 === 0) branch.set('/total', 'ten');
          else branch.set(`/f${k}`, round);
          await branch.commit();
          committed.add(branch.branchId);
        }),
      );

    // Wait until every committed branch has an outcome.
    const deadline = Date.now() + 60_000;
    let events = await log.readAll({ limit: 100_000 });
    while (outcomes(events).size < committed.size && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 100));
      events = await log.readAll({ limit: 100_000 });
    }
    // Let both publish what was promoted last, then stop them the way an operator would.
    await new Promise((r) => setTimeout(r, 300));
    a.child.kill('SIGTERM');
    b.child.kill('SIGTERM');
    expect(await a.exited).toBe(0);
    expect(await b.exited).toBe(0);
    events = await log.readAll({ limit: 100_000 });
    await log.close();

    const settled = outcomes(events);
    expect([...settled.keys()].sort()).toEqual([...committed].sort());
    expect([...settled.values()].filter((n) => n !== 1)).toEqual([]);
    const versions = events.flatMap((e) => (e.type === 'VersionPromoted' ? [e] : []));
    expect(new Set(versions.map((v) => v.data.versionId)).size).toBe(versions.length);
    const quarantined = events.filter((e) => e.type === 'BranchQuarantined').length;
    expect(quarantined).toBeGreaterThan(0);

    // Both did part of the work, and between them each outcome was written once.
    const [ta, tb] = [totals(a.stderr()), totals(b.stderr())];
    expect(tb.promoted + tb.quarantined).toBeGreaterThan(0);
    expect(ta.promoted + tb.promoted).toBe(versions.length);
    expect(ta.quarantined + tb.quarantined).toBe(quarantined);

    // Both fed the one set of projections, and no event was applied twice.
    const store = openProjectionStore(path);
    expect(store.statement('SELECT reason FROM rejected_events').all()).toEqual([]);
    expect(store.committedBranches()).toEqual([]);
    expect(
      store.statement('SELECT count(*) AS n FROM branches WHERE mutation_count != 1').get(),
    ).toEqual({ n: 0 });
    store.close();

    // The embedded topic holds each promoted version once, in log order.
    const topic = createEmbeddedTopic({ path });
    const records = topic.read({ limit: 100_000 });
    await topic.close();
    expect(records.map((r) => r.snapshot.versionId)).toEqual(versions.map((v) => v.data.versionId));
    dir.remove();
  }, 120_000);

  it('says which event the projections rejected, and quarantine show lists it with its branch', async () => {
    const dir = tempDir('serve-poison');
    const path = dir.file('log.sqlite');
    const log = createSqliteEventLog({ path });
    const branch = await openBranch({
      log,
      entity: { type: 'invoice', id: 'INV-9' },
      phase: 'p',
      actor: 'a',
    });
    await branch.set('/total', 1).save();
    await branch.set('/total', 2).commit();
    await log.close();
    // A buggy producer's payload behind a valid envelope.
    const db = new Database(path);
    const { position } = db
      .prepare(
        "UPDATE events SET data = json_set(data, '$.ops', 'DROP TABLE') WHERE type = 'MutationRecorded' AND json_extract(data, '$.seq') = 2 RETURNING position",
      )
      .get() as { position: number };
    db.close();

    const served = await serveWith(['--log', `sqlite:${path}`], 'quarantined 1');
    served.child.kill('SIGTERM');
    expect(await served.exited).toBe(0);
    // The quarantine itself, as it happened: branch, entity, first violation.
    expect(served.stderr()).toContain(
      `quarantined ${branch.branchId} of invoice/INV-9: PARTIAL_WRITE`,
    );
    expect(served.stderr()).toMatch(
      new RegExp(
        `rejected the event at log position ${position} \\(MutationRecorded on driftless-branch-${branch.branchId}\\): .*/ops`,
      ),
    );
    const shown = spawnSync(
      process.execPath,
      [...TSX, MAIN, 'quarantine', 'show', branch.branchId, '--log', `sqlite:${path}`],
      { encoding: 'utf8', env: { ...process.env, DRIFTLESS_ENTITIES: ENTITIES } },
    ).stdout;
    expect(shown).toMatch(
      new RegExp(
        `\\nevents of this branch the projections rejected\\n {2}log position ${position} {2}MutationRecorded {2}.*/ops`,
      ),
    );
    const rejected = (json: boolean) =>
      spawnSync(
        process.execPath,
        [
          ...TSX,
          MAIN,
          'quarantine',
          'rejected',
          '--log',
          `sqlite:${path}`,
          ...(json ? ['--json'] : []),
        ],
        { encoding: 'utf8', env: { ...process.env, DRIFTLESS_ENTITIES: ENTITIES } },
      ).stdout;
    expect(JSON.parse(rejected(true))).toEqual([
      {
        position,
        stream: `driftless-branch-${branch.branchId}`,
        type: 'MutationRecorded',
        reason: expect.stringContaining('/ops'),
      },
    ]);
    expect(rejected(false)).toMatch(
      new RegExp(
        `^1 event\\(s\\) the projections rejected .*\\n {2}log position ${position} {2}MutationRecorded on driftless-branch-${branch.branchId}: .*/ops`,
      ),
    );
    dir.remove();
  }, 60_000);
});
