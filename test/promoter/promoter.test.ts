import { z } from 'zod';
import { createMemoryEventLog } from '../../src/events/memory/memoryEventLog';
import { versionHash } from '../../src/events/hash';
import { streamNames } from '../../src/events/streams';
import { createRegistry, defineEntity } from '../../src/projections/defineEntity';
import { openProjectionStore } from '../../src/projections/projectionStore';
import { createPromoter } from '../../src/promoter/promoter';
import { createWorld } from '../support/world';

const invoice = defineEntity({
  type: 'invoice',
  schema: z.strictObject({
    total: z.number().optional(),
    vat: z.number().optional(),
    note: z.string().optional(),
  }),
  phases: ['reasoning', 'enrichment'],
});
const INV = { type: 'invoice', id: 'INV-1' };

const setup = () => {
  const log = createMemoryEventLog();
  const writer = createWorld([invoice], log);
  const promoterFor = () =>
    createPromoter({
      log,
      store: openProjectionStore(':memory:'),
      registry: createRegistry([invoice]),
      streams: streamNames('test'),
      now: () => 0,
    });
  return { log, writer, promoterFor };
};

const entityEvents = async (log: ReturnType<typeof createMemoryEventLog>) =>
  (await log.readAll({ limit: 10_000, filter: { streamPrefixes: ['test-entity-'] } })).map(
    (e) => e.type,
  );

describe('promoter', () => {
  it('promotes a clean branch: a hashed version chained to its parent becomes the head', async () => {
    const { log, writer, promoterFor } = setup();
    const b1 = await writer.open(INV, null);
    await writer.mutate(b1, [{ op: 'set', path: '/total', value: 10 }]);
    await writer.commit(b1);
    const promoter = promoterFor();
    expect(await promoter.runOnce()).toEqual({
      promoted: 1,
      quarantined: 0,
      expired: 0,
      sealed: 0,
      lostRaces: 0,
    });
    const [v1] = (await log.readAll({ filter: { eventTypes: ['VersionPromoted'] } })).map((e) =>
      e.type === 'VersionPromoted' ? e.data : undefined,
    );
    expect(v1).toMatchObject({
      doc: { total: 10 },
      parents: [],
      depth: 0,
      branchIds: [b1],
      phase: 'reasoning',
    });
    const { hash, ...rest } = v1!;
    expect(hash).toBe(versionHash({ ...rest, parentHashes: [] }));
    const b2 = await writer.open(INV, v1!.versionId);
    await writer.mutate(b2, [{ op: 'set', path: '/vat', value: 0.19 }]);
    await writer.commit(b2);
    await promoter.runOnce();
    const versions = (await log.readAll({ filter: { eventTypes: ['VersionPromoted'] } })).flatMap(
      (e) => (e.type === 'VersionPromoted' ? [e.data] : []),
    );
    expect(versions[1]).toMatchObject({
      doc: { total: 10, vat: 0.19 },
      parents: [v1!.versionId],
      depth: 1,
    });
  });

  it('reconciles a stale branch, and quarantines a conflict with its candidate and divergence', async () => {
    const { log, writer, promoterFor } = setup();
    const v1 = await writer.promote(INV, { total: 1, note: 'a' });
    const fast = await writer.open(INV, v1);
    const merges = await writer.open(INV, v1);
    const clashes = await writer.open(INV, v1);
    await writer.mutate(fast, [{ op: 'set', path: '/total', value: 2 }]);
    await writer.mutate(merges, [{ op: 'set', path: '/vat', value: 0.2 }]);
    await writer.mutate(clashes, [{ op: 'set', path: '/total', value: 3 }]);
    for (const b of [fast, merges, clashes]) await writer.commit(b);
    expect(await promoterFor().runOnce()).toEqual({
      promoted: 2,
      quarantined: 1,
      expired: 0,
      sealed: 0,
      lostRaces: 0,
    });
    expect(await entityEvents(log)).toEqual([
      'VersionPromoted',
      'VersionPromoted',
      'DivergenceDetected',
      'VersionPromoted',
      'DivergenceDetected',
      'BranchQuarantined',
    ]);
    const quarantine = (await log.readAll({ filter: { eventTypes: ['BranchQuarantined'] } }))[0]!;
    expect(quarantine.data).toMatchObject({
      branchId: clashes,
      violations: [{ code: 'UNRESOLVED_CONFLICT', path: '/total' }],
      candidate: { total: 2, note: 'a', vat: 0.2 },
    });
  });

  it('never promotes a branch twice when two promoters race on one log', async () => {
    const { log, writer, promoterFor } = setup();
    for (let i = 0; i < 20; i++) {
      const b = await writer.open({ type: 'invoice', id: `INV-${i % 4}` }, null);
      await writer.mutate(b, [{ op: 'set', path: '/note', value: `n${i}` }]);
      await writer.commit(b);
    }
    const [a, b] = [promoterFor(), promoterFor()];
    const rounds = await Promise.all([a.runOnce(), b.runOnce(), a.runOnce(), b.runOnce()]);
    await a.runOnce();
    // The race really happened: some appends lost to the other promoter's.
    expect(rounds.reduce((n, r) => n + r.lostRaces, 0)).toBeGreaterThan(0);
    const outcomes = (
      await log.readAll({
        limit: 10_000,
        filter: { eventTypes: ['VersionPromoted', 'BranchQuarantined'] },
      })
    ).flatMap((e) =>
      e.type === 'VersionPromoted'
        ? e.data.branchIds
        : e.type === 'BranchQuarantined'
          ? [e.data.branchId]
          : [],
    );
    expect(outcomes).toHaveLength(20);
    expect(new Set(outcomes).size).toBe(20);
  });

  it('quarantines a branch of an unknown entity type and carries on', async () => {
    const { log, writer, promoterFor } = setup();
    const alien = await writer.open({ type: 'order', id: 'O-1' }, null);
    await writer.commit(alien);
    const fine = await writer.open(INV, null);
    await writer.commit(fine);
    expect(await promoterFor().runOnce()).toEqual({
      promoted: 1,
      quarantined: 1,
      expired: 0,
      sealed: 0,
      lostRaces: 0,
    });
    const [q] = await log.readAll({ filter: { eventTypes: ['BranchQuarantined'] } });
    expect(q!.data).toMatchObject({
      violations: [{ code: 'SCHEMA_INVALID', message: 'no entity type "order" is defined' }],
    });
  });
});
