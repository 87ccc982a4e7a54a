import { z } from 'zod';
import { unsettledBranches } from '../../src/audit/unsettledBranches';
import type { EventLog } from '../../src/events/eventLog';
import { createMemoryEventLog } from '../../src/events/memory/memoryEventLog';
import { createRegistry, defineEntity } from '../../src/projections/defineEntity';
import { openProjectionStore } from '../../src/projections/projectionStore';
import { createPromoter } from '../../src/promoter/promoter';
import { openBranch } from '../../src/sdk/openBranch';

const registry = createRegistry([
  defineEntity({ type: 'invoice', schema: z.object({ total: z.number() }) }),
]);

/** Two branches with no outcome, opened at 09:00 and 10:00; the log counts its reads. */
const twoWaiting = async () => {
  const memory = createMemoryEventLog();
  const store = openProjectionStore(':memory:');
  const open = (id: string, time: string) =>
    openBranch({
      log: memory,
      entity: { type: 'invoice', id },
      phase: 'p',
      actor: 'agent',
      now: () => Date.parse(time),
    });
  const crashed = await open('INV-1', '2026-11-26T09:00:00Z');
  await crashed.set('/total', 1).save();
  const waiting = await open('INV-2', '2026-11-26T10:00:00Z');
  await waiting.set('/total', 2).commit();
  await createPromoter({ log: memory, store, registry }).catchUp();
  let reads = 0;
  const log: EventLog = {
    ...memory,
    readAll: (options) => {
      reads += 1;
      return memory.readAll(options);
    },
  };
  return { log, store, reads: () => reads };
};

describe('unsettledBranches', () => {
  it('lists each branch with the time it was opened, kept by the projections: no log reads', async () => {
    const { log, store, reads } = await twoWaiting();
    const branches = await unsettledBranches({ log, store });
    expect(branches.map((b) => [b.entity.id, b.status, b.openedAt])).toEqual([
      ['INV-1', 'open', '2026-11-26T09:00:00.000Z'],
      ['INV-2', 'committed', '2026-11-26T10:00:00.000Z'],
    ]);
    expect(reads()).toBe(0);
    store.close();
  });

  it('reads the time from the log for a branch projected before the time was kept', async () => {
    const { log, store, reads } = await twoWaiting();
    store.db.exec("UPDATE branches SET opened_at = NULL WHERE entity_id = 'INV-1'");
    const branches = await unsettledBranches({ log, store });
    expect(branches.map((b) => b.openedAt)).toEqual([
      '2026-11-26T09:00:00.000Z',
      '2026-11-26T10:00:00.000Z',
    ]);
    expect(reads()).toBe(1);
    store.close();
  });
});
