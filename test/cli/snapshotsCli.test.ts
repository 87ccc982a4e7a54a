import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { snapshotsCommand } from '../../src/cli/snapshotsCommand';
import { createSqliteEventLog } from '../../src/events/sqlite/sqliteEventLog';
import { openProjectionStore } from '../../src/projections/projectionStore';
import { createEmbeddedTopic } from '../../src/publishers/embedded/embeddedTopic';
import { createPublisher } from '../../src/publishers/publisher';
import type { Snapshot } from '../../src/publishers/snapshotSink';
import { TSX } from '../support/childProcess';
import { tempDir } from '../support/tempDir';
import { invoice } from '../support/testEntities';
import { createWorld } from '../support/world';

const MAIN = join(__dirname, '..', '..', 'src', 'cli', 'main.ts');
const dir = tempDir('snapshots-cli');
afterAll(() => dir.remove());

/** A SQLite log with `count` promoted versions of INV-1 and INV-2 (alternating), published. */
const publishedLog = async (name: string, count: number) => {
  const path = dir.file(name);
  const log = createSqliteEventLog({ path });
  const w = createWorld([invoice], log, openProjectionStore(path));
  const heads = new Map<string, string>();
  const promote = async (i: number) => {
    const id = `INV-${(i % 2) + 1}`;
    const parent = heads.get(id);
    const versionId = await w.promote(
      { type: 'invoice', id },
      { total: i },
      parent === undefined ? {} : { parents: [parent] },
    );
    heads.set(id, versionId);
  };
  for (let i = 0; i < count; i++) await promote(i);
  const topic = createEmbeddedTopic({ path });
  // One publisher: it remembers the hashes of the parents it published.
  const publisher = createPublisher({ log, sink: topic, store: w.store });
  const publish = () => publisher.catchUp();
  await publish();
  return { path, promote, publish, close: async () => (await topic.close(), await log.close()) };
};

const config = (state: string) => ({ state, pollMs: 10 });

describe('driftless snapshots', () => {
  it('prints the embedded topic in offset order, one line each or one JSON snapshot per line, by entity and from an offset', async () => {
    const { path, close } = await publishedLog('list.sqlite', 5);
    const lines: string[] = [];
    await snapshotsCommand(config(path), { from: 1, follow: false, json: false }, (l) =>
      lines.push(l),
    );
    expect(lines).toHaveLength(6);
    expect(lines[0]).toMatch(/^ +offset +entity +version +depth +phase +hash +promoted at$/);
    expect(lines.slice(1).map((l) => l.trim().split(/\s+/).slice(0, 2))).toEqual([
      ['1', 'invoice/INV-1'],
      ['2', 'invoice/INV-2'],
      ['3', 'invoice/INV-1'],
      ['4', 'invoice/INV-2'],
      ['5', 'invoice/INV-1'],
    ]);

    const json: string[] = [];
    await snapshotsCommand(
      config(path),
      { from: 2, entity: { type: 'invoice', id: 'INV-1' }, follow: false, json: true },
      (l) => json.push(l),
    );
    const parsed = json.map((l) => JSON.parse(l) as Snapshot & { offset: number });
    expect(parsed.map((s) => [s.offset, s.entity.id, s.doc])).toEqual([
      [3, 'INV-1', { total: 2 }],
      [5, 'INV-1', { total: 4 }],
    ]);
    expect(parsed[1]!.parents).toEqual([parsed[0]!.versionId]);

    const limited: string[] = [];
    await snapshotsCommand(config(path), { from: 1, limit: 2, follow: false, json: true }, (l) =>
      limited.push(l),
    );
    expect(limited).toHaveLength(2);
    const notes: string[] = [];
    await snapshotsCommand(
      config(path),
      { from: 99, follow: false, json: false },
      () => undefined,
      (n) => notes.push(n),
    );
    expect(notes).toEqual([`no snapshots from offset 99 in ${path}`]);
    await close();
  });

  it('--follow prints snapshots published after it started, until stopped', async () => {
    const { path, promote, publish, close } = await publishedLog('follow.sqlite', 2);
    const seen: number[] = [];
    const stop = new AbortController();
    const following = snapshotsCommand(
      config(path),
      { from: 1, follow: true, json: true, signal: stop.signal },
      (l) => seen.push((JSON.parse(l) as { offset: number }).offset),
    );
    const until = async (n: number) => {
      for (let i = 0; i < 200 && seen.length < n; i++) await new Promise((r) => setTimeout(r, 20));
    };
    try {
      await until(2);
      await promote(2);
      await promote(3);
      await publish();
      await until(4);
    } finally {
      stop.abort();
    }
    expect(await following).toBe(0);
    expect(seen).toEqual([1, 2, 3, 4]);
    await close();
  });

  it('runs from the command line without entity types, and names a missing file', async () => {
    const { path, close } = await publishedLog('cli.sqlite', 3);
    await close();
    const env = { ...process.env, DRIFTLESS_ENTITIES: '' };
    const run = (args: string[]) =>
      spawnSync(process.execPath, [...TSX, MAIN, 'snapshots', ...args], { encoding: 'utf8', env });
    const listed = run(['--log', `sqlite:${path}`, '--json']);
    expect([listed.status, listed.stderr]).toEqual([0, '']);
    expect(listed.stdout.trim().split('\n')).toHaveLength(3);
    const missing = run(['--log', `sqlite:${dir.file('nope.sqlite')}`]);
    expect(missing.status).toBe(2);
    expect(missing.stderr).toMatch(/^driftless: no log at .*nope\.sqlite/);
  });
});
