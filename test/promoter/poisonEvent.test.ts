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
});
