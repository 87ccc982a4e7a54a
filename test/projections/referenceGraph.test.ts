import { z } from 'zod';
import { defineEntity } from '../../src/projections/defineEntity';
import { createWorld } from '../support/world';

const invoice = defineEntity({
  type: 'invoice',
  schema: z.object({}).loose(),
  references: { '/vendorId': 'vendor' },
});
const vendor = defineEntity({ type: 'vendor', schema: z.object({}).loose() });

describe('reference graph projection', () => {
  it('keeps who references whom for every head, replacing old references', async () => {
    const w = createWorld([invoice, vendor]);
    const inv1 = { type: 'invoice', id: 'INV-1' };
    const inv2 = { type: 'invoice', id: 'INV-2' };
    const v1 = await w.promote(inv1, { vendorId: 'V-1' });
    await w.promote(inv2, { vendorId: 'V-1' });
    await w.process();
    expect(w.store.referencesTo({ type: 'vendor', id: 'V-1' }).map((r) => r.from.id)).toEqual([
      'INV-1',
      'INV-2',
    ]);
    await w.promote(inv1, { vendorId: 'V-2' }, { parents: [v1] });
    await w.process();
    expect(w.store.referencesFrom(inv1)).toEqual([
      { path: '/vendorId', to: { type: 'vendor', id: 'V-2' } },
    ]);
    expect(w.store.referencesTo({ type: 'vendor', id: 'V-1' }).map((r) => r.from.id)).toEqual([
      'INV-2',
    ]);
  });
});
