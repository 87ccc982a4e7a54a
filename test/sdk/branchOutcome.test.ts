import { z } from 'zod';
import { ValidationError } from '../../src/events/errors';
import { createSqliteEventLog } from '../../src/events/sqlite/sqliteEventLog';
import { streamNames } from '../../src/events/streams';
import { createRegistry, defineEntity } from '../../src/projections/defineEntity';
import { openProjectionStore } from '../../src/projections/projectionStore';
import { createPromoter } from '../../src/promoter/promoter';
import { openBranch } from '../../src/sdk/openBranch';
import { tempDir } from '../support/tempDir';

const registry = createRegistry([
  defineEntity({ type: 'invoice', schema: z.object({ total: z.number() }).loose() }),
]);
const INV = { type: 'invoice', id: 'INV-1' };
const streams = streamNames('out');
const dir = tempDir('sdk-outcome');
afterAll(() => dir.remove());

/** A SQLite log and a promoter that runs a round every 20 ms, as serve would, until stopped. */
const running = (name: string) => {
  const path = dir.file(name);
  const log = createSqliteEventLog({ path });
  const store = openProjectionStore(path);
  const promoter = createPromoter({ log, store, registry, streams });
  let loop: NodeJS.Timeout | undefined;
  const start = () => {
    const round = () =>
      void promoter.runOnce().then(() => {
        if (loop !== undefined) loop = setTimeout(round, 20);
      });
    loop = setTimeout(round, 20);
  };
  const stop = async () => {
    clearTimeout(loop);
    loop = undefined;
    await new Promise((resolve) => setTimeout(resolve, 60));
    store.close();
    await log.close();
  };
  const branch = (actor: string, from?: string | null) =>
    openBranch({
      log,
      entity: INV,
      phase: 'p',
      actor,
      streams,
      ...(from === undefined ? {} : { from }),
    });
  return { log, store, promoter, start, stop, branch };
};

describe('a branch writer waits for its verdict (outcome)', () => {
  it('learns its version, or its violations and then works again from the new head', async () => {
    const p = running('verdicts.sqlite');
    p.start();
    try {
      const first = await p.branch('a', null);
      await first.set('/total', 10).commit();
      const promoted = await first.outcome();
      expect(promoted).toMatchObject({ status: 'promoted' });
      const v1 = promoted.status === 'promoted' ? promoted.versionId : '';
      expect(p.store.head(INV)?.versionId).toBe(v1);

      // Two agents from v1 set /total differently; no policy covers it.
      const [fast, slow] = [await p.branch('fast'), await p.branch('slow')];
      expect([fast.baseVersionId, slow.baseVersionId]).toEqual([v1, v1]);
      await fast.set('/total', 20).commit();
      expect(await fast.outcome()).toMatchObject({ status: 'promoted' });
      await slow.set('/total', 30).commit();
      expect(await slow.outcome()).toMatchObject({
        status: 'quarantined',
        violations: [expect.objectContaining({ code: 'UNRESOLVED_CONFLICT', path: '/total' })],
      });
      // Asked again, the same answer, read from the log.
      expect(await slow.outcome()).toMatchObject({ status: 'quarantined' });
      const again = await p.branch('slow');
      await again.set('/total', 30).commit();
      expect(await again.outcome()).toMatchObject({ status: 'promoted' });
      expect(p.store.version(p.store.head(INV)!.versionId)!.doc).toEqual({ total: 30 });
    } finally {
      await p.stop();
    }
  });

  it('finds its verdict behind more than a page of other outcomes', async () => {
    const p = running('paged.sqlite');
    try {
      const first = await p.branch('a', null);
      await first.set('/total', 0).commit();
      await p.promoter.runOnce();
      const v1 = p.store.head(INV)!.versionId;
      // 600 branches committed before ours: their outcomes all land after our commit.
      for (let i = 1; i <= 600; i++) await (await p.branch(`w${i}`, v1)).set(`/f${i}`, i).commit();
      const ours = await p.branch('ours', v1);
      await ours.set('/note', 'mine').commit();
      expect(await p.promoter.runOnce()).toMatchObject({ promoted: 601 });
      const outcome = await ours.outcome();
      expect(outcome).toMatchObject({ status: 'promoted' });
      expect(outcome.status === 'promoted' && outcome.versionId).toBe(p.store.head(INV)!.versionId);
    } finally {
      await p.stop();
    }
  }, 30_000);

  it('refuses before the commit, answers at once after abandon, and stops on its signal', async () => {
    const p = running('signal.sqlite'); // no promoter rounds: nothing will decide
    try {
      const open = await p.branch('a', null);
      await expect(open.outcome()).rejects.toThrow(ValidationError);
      await expect(open.outcome()).rejects.toThrow('commit() first');
      await open.abandon('changed my mind');
      expect(await open.outcome()).toEqual({ status: 'abandoned', reason: 'changed my mind' });
      const waiting = await p.branch('b', null);
      await waiting.set('/total', 1).commit();
      const started = Date.now();
      expect(await waiting.outcome({ signal: AbortSignal.timeout(150), pollMs: 20 })).toEqual({
        status: 'committed',
      });
      expect(Date.now() - started).toBeLessThan(1000);
    } finally {
      await p.stop();
    }
  });
});
