import { z } from 'zod';
import { openDatabase } from '../../src/events/sqlite/openDatabase';
import { createSqliteEventLog } from '../../src/events/sqlite/sqliteEventLog';
import { createRegistry, defineEntity } from '../../src/projections/defineEntity';
import { openProjectionStore } from '../../src/projections/projectionStore';
import { createPromoter } from '../../src/promoter/promoter';
import { showQuarantine } from '../../src/promoter/quarantine';
import { openBranch } from '../../src/sdk/openBranch';
import { tempDir } from '../support/tempDir';

const invoice = defineEntity({
  type: 'invoice',
  schema: z.strictObject({ a: z.number().optional(), b: z.number().optional() }),
});

describe('a poison event reaching the promoter', () => {
  it('is recorded with its reason, its branch is quarantined as a partial write, and the neighbours are promoted', async () => {
    const dir = tempDir('poison');
    const path = dir.file('log.sqlite');
    const log = createSqliteEventLog({ path });
    const branches = await Promise.all(
      ['INV-1', 'INV-2', 'INV-3'].map(async (id) => {
        const b = await openBranch({
          log,
          entity: { type: 'invoice', id },
          phase: 'p',
          actor: 'agent',
        });
        await b.set('/a', 1).save();
        await b.set('/b', 2).commit();
        return b.branchId;
      }),
    );
    const [clean1, poisoned, clean2] = branches as [string, string, string];
    // The second mutation of one branch arrives with a valid envelope and a garbage payload,
    // as from a buggy producer that bypassed the SDK.
    const db = openDatabase(path);
    const { position } = db
      .prepare(
        "UPDATE events SET data = json_set(data, '$.ops', 'DROP TABLE') WHERE type = 'MutationRecorded' AND json_extract(data, '$.branchId') = ? AND json_extract(data, '$.seq') = 2 RETURNING position",
      )
      .get(poisoned) as { position: number };
    db.close();

    const store = openProjectionStore(path);
    const promoter = createPromoter({ log, store, registry: createRegistry([invoice]) });
    expect(await promoter.runOnce()).toMatchObject({ promoted: 2, quarantined: 1 });

    expect(store.statement('SELECT position, type, reason FROM rejected_events').all()).toEqual([
      { position, type: 'MutationRecorded', reason: expect.stringMatching(/\/ops/) as string },
    ]);
    expect(store.branch(clean1)?.status).toBe('promoted');
    expect(store.branch(clean2)?.status).toBe('promoted');
    // The commit counted two mutations; one is missing: never promoted without it.
    const violations = showQuarantine(store, poisoned)?.violations ?? [];
    expect(violations.map((v) => v.code)).toEqual(['PARTIAL_WRITE', 'PARTIAL_WRITE']);
    expect(violations.map((v) => v.message).join('\n')).toMatch(/count.*\n.*digest/);
    store.close();
    await log.close();
    dir.remove();
  });

  it('quarantines a branch whose outcome the log refuses (over its size limit), saying why, and goes on', async () => {
    const notes = defineEntity({ type: 'note', schema: z.object({}).catchall(z.string()) });
    const dir = tempDir('oversize');
    const log = createSqliteEventLog({ path: dir.file('log.sqlite'), maxEventBytes: 50_000 });
    const write = async (id: string, sizes: number[]) => {
      const b = await openBranch({ log, entity: { type: 'note', id }, phase: 'p', actor: 'a' });
      for (const [i, size] of sizes.entries()) await b.set(`/f${i}`, 'x'.repeat(size)).save();
      await b.commit();
      return b.branchId;
    };
    // Each mutation fits; the promoted document (and a quarantine carrying it) would not.
    const big = await write('N-1', [30_000, 30_000]);
    const small = await write('N-2', [10]);
    const store = openProjectionStore(dir.file('log.sqlite'));
    const promoter = createPromoter({ log, store, registry: createRegistry([notes]) });
    expect(await promoter.runOnce()).toMatchObject({ promoted: 1, quarantined: 1 });
    expect(store.branch(small)?.status).toBe('promoted');
    expect(showQuarantine(store, big)).toMatchObject({
      violations: [
        {
          code: 'SCHEMA_INVALID',
          path: '',
          message: expect.stringMatching(
            /^the log refused its VersionPromoted: event too large \(expected at most 50000 bytes, received \d+ bytes\); recorded without candidate and decisions$/,
          ) as string,
        },
      ],
      candidate: null,
      decisions: [],
    });
    expect(await promoter.runOnce()).toMatchObject({ promoted: 0, quarantined: 0 });
    store.close();
    await log.close();
    dir.remove();
  });
});
