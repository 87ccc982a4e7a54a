import { z } from 'zod';
import { createMemoryEventLog } from '../../src/events/memory/memoryEventLog';
import { streamNames } from '../../src/events/streams';
import { createRegistry, defineEntity } from '../../src/projections/defineEntity';
import { openProjectionStore } from '../../src/projections/projectionStore';
import { sealPhase, UNSEALED_ENDED_PHASES } from '../../src/promoter/phaseSeals';
import { createPromoter } from '../../src/promoter/promoter';
import { listQuarantine } from '../../src/promoter/quarantine';
import { openBranch } from '../../src/sdk/openBranch';

const streams = streamNames('ph');
const INV = { type: 'invoice', id: 'INV-1' };
const phases = ['enrichment', 'compression'];

const setup = (sealPhases: 'auto' | 'explicit') => {
  const log = createMemoryEventLog();
  const store = openProjectionStore(':memory:');
  const registry = createRegistry([
    defineEntity({ type: 'invoice', schema: z.object({}).loose(), phases, sealPhases }),
  ]);
  const promoter = createPromoter({ log, store, registry, streams });
  const branch = (phase: string, from?: string | null) =>
    openBranch({
      log,
      entity: INV,
      phase,
      actor: phase,
      streams,
      ...(from === undefined ? {} : { from }),
    });
  return { log, store, registry, promoter, branch };
};

describe('phase isolation', () => {
  it('quarantines the late stale summary once compression is sealed (explicit seal)', async () => {
    const { log, store, registry, promoter, branch } = setup('explicit');
    await (await branch('enrichment', null)).set('/vendor', 'Acme').commit();
    await promoter.runOnce();
    const rich = await branch('compression');
    const stale = await branch('compression');
    await rich.set('/summary', 'rich summary with vendor Acme').commit();
    await promoter.runOnce();
    const seal = () =>
      sealPhase({
        log,
        store,
        registry,
        entity: INV,
        phase: 'compression',
        by: 'orchestrator',
        streams,
      });
    const sealed = await seal();
    expect(sealed).toEqual({ versionId: store.head(INV)!.versionId, alreadySealed: false });
    await stale.set('/summary', 'short stale summary').commit();
    await promoter.runOnce();
    expect(listQuarantine(store)[0]).toMatchObject({
      branchId: stale.branchId,
      violations: expect.arrayContaining([expect.objectContaining({ code: 'PHASE_VIOLATION' })]),
    });
    const head = store.version(store.head(INV)!.versionId)!;
    expect(head.doc.summary).toBe('rich summary with vendor Acme');
    // Sealed before (as far as the projections have read): left as it is, nothing recorded.
    expect(await seal()).toEqual({ versionId: sealed.versionId, alreadySealed: true });
    expect(await log.readAll({ filter: { eventTypes: ['PhaseSealed'] } })).toHaveLength(1);
    await expect(
      sealPhase({ log, store, registry, entity: INV, phase: 'compresion', by: 'ops', streams }),
    ).rejects.toThrow(
      /not a declared phase \(expected a phase of invoice: enrichment, compression/,
    );
    await expect(
      sealPhase({
        log,
        store,
        registry,
        entity: { type: 'bill', id: 'B-1' },
        phase: 'x',
        by: 'ops',
      }),
    ).rejects.toThrow(/unknown entity type \(expected one of invoice, received bill\)/);
  });

  it('seals a phase automatically once every branch of it has ended', async () => {
    const { store, promoter, branch } = setup('auto');
    const a = await branch('enrichment', null);
    const b = await branch('enrichment', null);
    await a.set('/vendor', 'Acme').commit();
    expect(await promoter.runOnce()).toMatchObject({ promoted: 1, sealed: 0 }); // b is still open
    await b.set('/tax', 0.19).commit();
    expect(await promoter.runOnce()).toMatchObject({ promoted: 1, sealed: 1 });
    const late = await branch('enrichment');
    await late.set('/tax', 0.07).commit();
    expect(await promoter.runOnce()).toMatchObject({ promoted: 0, quarantined: 1 });
    expect(store.branch(late.branchId)!.status).toBe('quarantined');
  });

  it('asks for due seals through an index on the entity, not a scan of every branch', () => {
    const { store } = setup('auto');
    const plan = store.db
      .prepare(`EXPLAIN QUERY PLAN ${UNSEALED_ENDED_PHASES}`)
      .all('invoice', 'INV-1') as { detail: string }[];
    // Before the index: SCAN b (every branch of every entity).
    const outer = plan.map((row) => row.detail).find((d) => /^(SCAN|SEARCH) b\b/.test(d));
    expect(outer).toMatch(
      /USING (COVERING )?INDEX branches_by_entity \(entity_type=\? AND entity_id=\?\)/,
    );
  });
});
