import { z } from 'zod';
import { driftReport } from '../../src/audit/driftReport';
import { createMemoryEventLog } from '../../src/events/memory/memoryEventLog';
import { createRegistry, defineEntity } from '../../src/projections/defineEntity';
import { openProjectionStore } from '../../src/projections/projectionStore';
import { createPromoter } from '../../src/promoter/promoter';
import { openBranch, type BranchWriter } from '../../src/sdk/openBranch';

const invoice = defineEntity({
  type: 'invoice',
  schema: z.strictObject({ total: z.number().optional(), note: z.string().optional() }),
  policies: { '/note': { rule: 'confidence' } },
});
const INV = { type: 'invoice', id: 'INV-1' };

/**
 * On a clock that moves only when told: v1 and v2 fast-forwards; two notes from v2, the second
 * merged by confidence one promotion behind; a string total (SCHEMA_INVALID); two totals from
 * v3, the second an unresolved conflict.
 */
const history = async () => {
  let clock = Date.parse('2026-01-01T00:00:00Z');
  const now = () => clock;
  const log = createMemoryEventLog();
  const store = openProjectionStore(':memory:');
  const promoter = createPromoter({ log, store, registry: createRegistry([invoice]), now });
  const branch = (actor: string) => openBranch({ log, entity: INV, phase: 'p', actor, now });
  const settle = async (waitMs: number, ...writers: BranchWriter[]) => {
    for (const w of writers) await w.commit();
    clock += waitMs;
    await promoter.runOnce();
  };
  await settle(10, (await branch('a')).set('/total', 1));
  await settle(20, (await branch('b')).set('/total', 2));
  const [low, high] = [await branch('c'), await branch('d')];
  await settle(
    30,
    low.set('/note', 'x', { confidence: 0.2 }),
    high.set('/note', 'y', { confidence: 0.9 }),
  );
  const since = (await log.readAll({ fromPosition: 'start', limit: 1000 })).at(-1)!.position + 1;
  await settle(40, (await branch('e')).set('/total', 'ten'));
  const [one, two] = [await branch('f'), await branch('g')];
  await settle(50, one.set('/total', 5), two.set('/total', 6));
  return { log, since };
};

describe('drift report', () => {
  it('counts staleness, conflicts, resolutions, quarantines and latency from the log', async () => {
    const { log, since } = await history();
    const report = await driftReport({ log });
    expect(report).toMatchObject({
      promotions: 5,
      quarantines: 2,
      conflictsByPath: { '/note': 1, '/total': 1 },
      resolutionsByRule: { confidence: 1, unresolved: 1 },
      quarantinesByCode: { SCHEMA_INVALID: 1, UNRESOLVED_CONFLICT: 1 },
      stalenessAtMerge: { mean: 0.2, max: 1 },
      promotionLatencyMs: { count: 5, p50: 30, p90: 50, max: 50 },
    });
    expect(report.stalenessAtMerge.buckets.slice(0, 3)).toEqual([
      { le: 0, count: 4 },
      { le: 1, count: 1 },
      { le: 2, count: 0 },
    ]);
    expect(report.promotionLatencyMs.buckets.filter((b) => b.count > 0)).toEqual([
      { le: 10, count: 1 },
      { le: 25, count: 1 },
      { le: 50, count: 3 },
    ]);
    const later = await driftReport({ log, since: { position: since } });
    expect(later).toMatchObject({
      since: { position: since },
      promotions: 1,
      quarantines: 2,
      conflictsByPath: { '/total': 1 },
      promotionLatencyMs: { count: 1, max: 50 },
    });
    await expect(driftReport({ log, since: { position: 10_000 } })).rejects.toThrow(
      /past the end of the log/,
    );
  });
});
