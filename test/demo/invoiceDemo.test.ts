import { z } from 'zod';
import { createMemoryEventLog } from '../../src/events/memory/memoryEventLog';
import { runInvoiceDemo } from '../../src/demo/invoiceDemo';
import { invoice, vendor } from '../../src/demo/invoiceDomain';
import { defineEntity, type EntityType } from '../../src/projections/defineEntity';
import { openProjectionStore } from '../../src/projections/projectionStore';

const run = (seed: number, invoices: number, entityTypes: EntityType[] = [invoice, vendor]) =>
  runInvoiceDemo({
    log: createMemoryEventLog(),
    store: openProjectionStore(':memory:'),
    seed,
    invoices,
    entityTypes,
  });

describe('invoice demo', () => {
  it('catches every injected drift case, and quarantines nothing else', async () => {
    const report = await run(11, 60);
    expect(report.driftCases.total).toBeGreaterThan(20);
    expect(report.driftCases.slipped).toBe(0);
    expect(report.driftCases.caught).toBe(report.driftCases.total);
    expect(report.quarantined).toBe(report.driftCases.quarantined);
    expect(report.promoted + report.quarantined).toBeLessThanOrEqual(report.branches);
    expect(Object.keys(report.driftCases.byKind).sort()).toEqual([
      'crashed-partial-write',
      'late-stale-summary',
      'low-confidence-overwrite',
      'outdated-line-merge',
      'removed-vendor-reference',
      'stale-duplicate',
    ]);
    expect(report.reconciledMerges).toBeGreaterThan(0);
    expect(report.fastForwards).toBeGreaterThan(0);
  });

  it('counts as unresolved conflicts the conflicting paths, not every quarantined branch', async () => {
    const log = createMemoryEventLog();
    const report = await runInvoiceDemo({
      log,
      store: openProjectionStore(':memory:'),
      seed: 11,
      invoices: 60,
      entityTypes: [invoice, vendor],
    });
    const quarantines = (await log.readAll({ limit: 1e6 })).flatMap((e) =>
      e.type === 'BranchQuarantined' ? [e.data.violations] : [],
    );
    const conflictPaths = quarantines.flat().filter((v) => v.code === 'UNRESOLVED_CONFLICT');
    expect(conflictPaths.length).toBeGreaterThan(0);
    expect(report.conflictsByRule['unresolved (quarantined)']).toBe(conflictPaths.length);
    // Some branches were quarantined with no conflict at all (phase order, partial writes).
    expect(quarantines.some((vs) => vs.every((v) => v.code !== 'UNRESOLVED_CONFLICT'))).toBe(true);
  });

  it('gives the same report for the same seed', async () => {
    expect(await run(5, 20)).toEqual(await run(5, 20));
    expect(await run(6, 20)).not.toEqual(await run(5, 20));
  });

  it('notices drift slipping through when the rules are last-write-wins', async () => {
    // The same invoice type with every conflict settled for the branch, silently.
    const lastWriteWins = defineEntity({
      type: 'invoice',
      schema: z.object({}).loose(),
      collections: { '/lines': { key: 'sku' }, '/tags': 'set' },
      policies: {
        '/*': {
          rule: 'custom',
          name: 'last-write-wins',
          resolve: ({ theirs }) => ({ chosen: theirs }),
        },
      },
    });
    const report = await run(11, 60, [lastWriteWins, vendor]);
    expect(report.driftCases.slipped).toBeGreaterThan(0);
  });
});
