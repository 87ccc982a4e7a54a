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

type Claim = [category: string, confidence: number];

/**
 * Classifiers branch from one version (its category `start`, if given); they are promoted in
 * the given order. A claim of `null` sets another field instead.
 */
const classify = async (order: (Claim | null)[], start?: Claim) => {
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
  genesis.set('/sku', 'A-1');
  if (start !== undefined) genesis.set('/category', start[0], { confidence: start[1] });
  await genesis.commit();
  await promoter.runOnce();
  const base = store.head(ITEM)!.versionId;
  const branches = await Promise.all(
    order.map((claim) =>
      openBranch({ log, entity: ITEM, phase: 'enrichment', actor: 'classifier', from: base }).then(
        (b) =>
          claim === null
            ? b.set('/sku', 'A-2')
            : b.set('/category', claim[0], { confidence: claim[1] }),
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

  it('weighs a surer branch that set the value the head already had against a later change', async () => {
    // tools at 0.3 to start; a branch claims tools at 0.98, a concurrent one travel at 0.73.
    const start: Claim = ['tools', 0.3];
    expect(
      await classify(
        [
          ['tools', 0.98],
          ['travel', 0.73],
        ],
        start,
      ),
    ).toBe('tools');
    expect(
      await classify(
        [
          ['travel', 0.73],
          ['tools', 0.98],
        ],
        start,
      ),
    ).toBe('tools');
    // The less sure claim of the start value loses to the surer change, in either order.
    expect(
      await classify(
        [
          ['tools', 0.5],
          ['travel', 0.73],
        ],
        start,
      ),
    ).toBe('travel');
    expect(
      await classify(
        [
          ['travel', 0.73],
          ['tools', 0.5],
        ],
        start,
      ),
    ).toBe('travel');
  });

  it('lets a branch change what it read, however sure its writer was, when nobody claimed it since', async () => {
    const start: Claim = ['tools', 0.98];
    // Another field changed concurrently: the category is still the one the branch read.
    expect(await classify([null, ['travel', 0.5]], start)).toBe('travel');
    expect(await classify([['travel', 0.5]], start)).toBe('travel');
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
