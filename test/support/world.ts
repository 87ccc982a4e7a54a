import type { EventLog } from '../../src/events/eventLog';
import { mutationDigest, versionHash } from '../../src/events/hash';
import { createIdGenerator } from '../../src/events/ids';
import { createMemoryEventLog } from '../../src/events/memory/memoryEventLog';
import { newEvent } from '../../src/events/newEvent';
import type { EntityRef } from '../../src/events/schemas/common';
import type { Decision } from '../../src/events/schemas/entityEvents';
import type { Op } from '../../src/events/schemas/ops';
import { streamNames } from '../../src/events/streams';
import type { JsonObject } from '../../src/reconcilers/json';
import { createRegistry, type EntityType } from '../../src/projections/defineEntity';
import { lineage } from '../../src/projections/lineage';
import { branchState } from '../../src/projections/branchState';
import { createProcessor, type Processor } from '../../src/projections/processor';
import { openProjectionStore, type ProjectionStore } from '../../src/projections/projectionStore';
import { referenceGraph } from '../../src/projections/referenceGraph';

const ids = createIdGenerator();
const names = streamNames('test');

/**
 * A log, a projection store and a processor, with helpers that write the events branch
 * writers and the promoter would: given these events, when processed, then the projections.
 */
export const createWorld = (
  types: EntityType[],
  log: EventLog = createMemoryEventLog(),
  store: ProjectionStore = openProjectionStore(':memory:'),
) => {
  const registry = createRegistry(types);
  const processor: Processor = createProcessor({
    log,
    store,
    projections: [branchState, lineage, referenceGraph(registry)],
  });
  const seqs = new Map<string, Op[][]>();
  const append = (stream: string, event: Parameters<EventLog['append']>[1][number]) =>
    log.append(stream, [event], { expectedRevision: 'any' });
  const meta = { actor: 'test' };
  return {
    log,
    store,
    registry,
    processor,
    process: () => processor.catchUp(),
    open: async (
      entity: EntityRef,
      base: string | null,
      phase = 'reasoning',
      actor = 'agent-a',
    ) => {
      const branchId = ids();
      seqs.set(branchId, []);
      await append(
        names.branch(branchId),
        newEvent('BranchOpened', { branchId, entity, baseVersionId: base, phase, actor }, meta),
      );
      return branchId;
    },
    mutate: async (branchId: string, ops: Op[], seq?: number) => {
      const done = seqs.get(branchId)!;
      done.push(ops);
      await append(
        names.branch(branchId),
        newEvent('MutationRecorded', { branchId, seq: seq ?? done.length, ops }, meta),
      );
    },
    commit: async (branchId: string) => {
      const done = seqs.get(branchId)!;
      await append(
        names.branch(branchId),
        newEvent(
          'BranchCommitted',
          { branchId, mutationCount: done.length, digest: mutationDigest(done) },
          meta,
        ),
      );
    },
    /** Promotes a version as the promoter would; returns its id. */
    promote: async (
      entity: EntityRef,
      doc: JsonObject,
      o: { parents?: string[]; branchIds?: string[]; decisions?: Decision[]; phase?: string } = {},
    ) => {
      const versionId = ids();
      const parents = o.parents ?? [];
      const parentHashes = parents.map((p) => store.version(p)?.hash ?? '0'.repeat(64));
      const depth = Math.max(0, ...parents.map((p) => (store.version(p)?.depth ?? 0) + 1));
      const phase = o.phase ?? 'reasoning';
      const branchIds = o.branchIds ?? [];
      const promotedAt = new Date(0).toISOString();
      const hash = versionHash({
        versionId,
        entity,
        depth,
        phase,
        branchIds,
        promotedAt,
        doc,
        parentHashes,
      });
      const data = {
        versionId,
        entity,
        parents,
        depth,
        phase,
        branchIds,
        promotedAt,
        hash,
        doc,
        decisions: o.decisions ?? [],
      };
      await append(names.entity(entity), newEvent('VersionPromoted', data, { actor: 'promoter' }));
      return versionId;
    },
  };
};
export type World = ReturnType<typeof createWorld>;
