import { z } from 'zod';
import { followDriftMetrics } from '../../src/audit/driftMetrics';
import { createMemoryEventLog } from '../../src/events/memory/memoryEventLog';
import { createRegistry, defineEntity } from '../../src/projections/defineEntity';
import { openProjectionStore } from '../../src/projections/projectionStore';
import { createPromoter } from '../../src/promoter/promoter';
import { openBranch } from '../../src/sdk/openBranch';

const order = defineEntity({
  type: 'order',
  schema: z.strictObject({
    lines: z.array(z.strictObject({ sku: z.string(), price: z.number() })).optional(),
  }),
  collections: { '/lines': { key: 'sku' } },
});
const registry = createRegistry([order]);

describe('drift metrics', () => {
  it('labels conflicts by entity type and path, with keyed elements as * when it knows the types', async () => {
    const log = createMemoryEventLog();
    const store = openProjectionStore(':memory:');
    const promoter = createPromoter({ log, store, registry });
    // Two SKUs, each priced differently by two concurrent branches: two unresolved conflicts.
    for (const sku of ['SKU-1', 'SKU-2']) {
      const entity = { type: 'order', id: `O-${sku}` };
      const [a, b] = [
        await openBranch({ log, entity, phase: 'p', actor: 'a', from: null }),
        await openBranch({ log, entity, phase: 'p', actor: 'b', from: null }),
      ];
      await a.upsert('/lines', { sku, price: 1 }).commit();
      await b.upsert('/lines', { sku, price: 2 }).commit();
    }
    await promoter.runOnce();
    const end = await log.endPosition();
    const scrape = async (entities?: typeof registry) => {
      const stop = new AbortController();
      const metrics = followDriftMetrics({
        log,
        signal: stop.signal,
        ...(entities && { entities }),
      });
      while (metrics.position() < end) await new Promise((r) => setTimeout(r, 5));
      const text = await metrics.registry.metrics();
      stop.abort();
      await metrics.done;
      return text.split('\n').filter((l) => l.startsWith('driftless_conflicts_total{'));
    };
    expect(await scrape(registry)).toEqual([
      'driftless_conflicts_total{entity_type="order",path="/lines/*/price"} 2',
    ]);
    expect(await scrape()).toEqual([
      'driftless_conflicts_total{entity_type="order",path="/lines/SKU-1/price"} 1',
      'driftless_conflicts_total{entity_type="order",path="/lines/SKU-2/price"} 1',
    ]);
  });
});
