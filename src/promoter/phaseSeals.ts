import { ValidationError } from '../events/errors';
import type { EventLog } from '../events/eventLog';
import type { IdGenerator } from '../events/ids';
import { newEvent } from '../events/newEvent';
import type { EntityRef } from '../events/schemas/common';
import { streamNames, type StreamNames } from '../events/streams';
import type { EntityRegistry } from '../projections/defineEntity';
import type { ProjectionStore } from '../projections/projectionStore';

const sealed = (
  entity: EntityRef,
  phase: string,
  versionId: string,
  actor: string,
  ids?: IdGenerator,
) =>
  newEvent(
    'PhaseSealed',
    { entity, phase, versionId },
    ids === undefined ? { actor } : { actor, ids },
  );

/** Seals a phase of an entity at its current head: later branches of that phase are refused. */
export const sealPhase = async (options: {
  log: EventLog;
  store: ProjectionStore;
  entity: EntityRef;
  phase: string;
  by: string;
  streams?: StreamNames;
}) => {
  const { log, store, entity, phase, by, streams = streamNames() } = options;
  const head = store.head(entity);
  if (head === undefined)
    throw new ValidationError([
      {
        path: '/entity',
        expected: 'an entity with a promoted version',
        received: `${entity.type}/${entity.id}`,
        message: 'nothing to seal',
      },
    ]);
  await log.append(streams.entity(entity), [sealed(entity, phase, head.versionId, by)], {
    expectedRevision: 'any',
  });
};

/** An entity's phases with promoted work, no branch still waiting and no seal (index: entity). */
export const UNSEALED_ENDED_PHASES = `SELECT phase FROM branches b WHERE entity_type = ? AND entity_id = ?
  AND NOT EXISTS (SELECT 1 FROM phase_seals s WHERE s.entity_type = b.entity_type AND s.entity_id = b.entity_id AND s.phase = b.phase)
  GROUP BY phase
  HAVING SUM(status IN ('open', 'committed', 'quarantined')) = 0 AND SUM(status = 'promoted') > 0`;

/**
 * The PhaseSealed events an `auto`-sealing entity type is due: each phase of the given
 * entities that has promoted work, no branch still open, committed or quarantined, and no seal.
 */
export const dueSeals = (
  store: ProjectionStore,
  registry: EntityRegistry,
  entities: readonly EntityRef[],
  actor: string,
  ids: IdGenerator,
) =>
  entities.flatMap((entity) => {
    if (registry.get(entity.type)?.sealPhases !== 'auto') return [];
    const head = store.head(entity);
    if (head === undefined) return [];
    const phases = store.statement(UNSEALED_ENDED_PHASES).all(entity.type, entity.id) as {
      phase: string;
    }[];
    return phases.map(({ phase }) => sealed(entity, phase, head.versionId, actor, ids));
  });
