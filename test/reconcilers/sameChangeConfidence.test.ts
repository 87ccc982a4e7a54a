import { z } from 'zod';
import { createMemoryEventLog } from '../../src/events/memory/memoryEventLog';
import { createRegistry, defineEntity } from '../../src/projections/defineEntity';
import { openProjectionStore } from '../../src/projections/projectionStore';
import { createPromoter } from '../../src/promoter/promoter';
import { createHeadProvenance } from '../../src/reconcilers/headProvenance';
import { openBranch } from '../../src/sdk/openBranch';

const item = defineEntity({
  type: 'item',
  schema: z.strictObject({ sku: z.string(), category: z.string().optional() }),
  policies: { '/category': { rule: 'confidence' } },
});
const ITEM = { type: 'item', id: 'I-1' };

/** Three classifiers branch from one version; they are promoted in the given order. */
const classify = async (order: [string, number][]) => {
  const log = createMemoryEventLog();
  const store = openProjectionStore(':memory:');
  const promoter = createPromoter({ log, store, registry: createRegistry([item]) });
  const genesis = await openBranch({
    log,
    entity: ITEM,
    phase: 'reasoning',
    actor: 'loader',
    from: null,
  });
  await genesis.set('/sku', 'A-1').commit();
  await promoter.runOnce();
  const base = store.head(ITEM)!.versionId;
  const branches = await Promise.all(
    order.map(([category, confidence]) =>
      openBranch({ log, entity: ITEM, phase: 'enrichment', actor: 'classifier', from: base }).then(
        (b) => b.set('/category', category, { confidence }),
      ),
    ),
  );
  for (const b of branches) {
    await b.commit();
    await promoter.runOnce();
  }
  return store.version(store.head(ITEM)!.versionId)!.doc.category;
};

describe('a change both sides made', () => {
  it('keeps the surer confidence, so the outcome does not depend on the promotion order', async () => {
    // tools at 0.58 and at 0.98 agree; travel at 0.73 loses to the 0.98, whoever came first.
    const tools58: [string, number] = ['tools', 0.58];
    const tools98: [string, number] = ['tools', 0.98];
    const travel73: [string, number] = ['travel', 0.73];
    expect(await classify([tools98, tools58, travel73])).toBe('tools');
    expect(await classify([tools58, tools98, travel73])).toBe('tools');
    expect(await classify([tools58, travel73, tools98])).toBe('tools');
  });

  it('raises only the confidence of the head provenance, keeping the first writer', () => {
    const first = { branchIds: ['B1'], phase: 'enrichment', actor: 'a', confidence: 0.5 };
    const p = createHeadProvenance(first, [['/category', first]]);
    const sameChange = {
      path: '/category',
      ours: 'x',
      theirs: 'x',
      chosen: 'x',
      rule: 'same-change',
    };
    p.record([{ ...sameChange, branchIds: ['B1', 'B2'], confidence: 0.4 }], first);
    expect(p.by(['category']).confidence).toBe(0.5);
    p.record([{ ...sameChange, branchIds: ['B1', 'B3'], confidence: 0.9 }], first);
    expect(p.by(['category'])).toEqual({ ...first, branchIds: ['B1', 'B3'], confidence: 0.9 });
  });
});
