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

const refuse = (path: string, expected: string, received: string, message: string) =>
  new ValidationError([{ path, expected, received, message }]);

/**
 * Seals a phase of an entity at its current head: later branches of that phase are refused.
 * An entity type the registry does not know, or a phase it does not declare (when it declares
 * any), is refused: a typo would otherwise be recorded as a seal. A phase sealed before is left
 * as it is (a second seal would move it forward): `alreadySealed`, and nothing recorded.
 */
export const sealPhase = async (options: {
  log: EventLog;
  store: ProjectionStore;
  registry: EntityRegistry;
  entity: EntityRef;
  phase: string;
  by: string;
  streams?: StreamNames;
}): Promise<{ versionId: string; alreadySealed: boolean }> => {
  const { log, store, registry, entity, phase, by, streams = streamNames() } = options;
  const type = registry.get(entity.type);
  if (type === undefined)
    throw refuse(
      '/entity',
      `one of ${[...registry.keys()].join(', ')}`,
      entity.type,
      'unknown entity type',
    );
  if (type.phases.length > 0 && !type.phases.includes(phase))
    throw refuse(
      '/phase',
      `a phase of ${type.type}: ${type.phases.join(', ')}`,
      phase,
      'not a declared phase',
    );
  const sealedAt = store
    .statement(
      'SELECT version_id FROM phase_seals WHERE entity_type = ? AND entity_id = ? AND phase = ?',
    )
    .get(entity.type, entity.id, phase) as { version_id: string } | undefined;
  if (sealedAt !== undefined) return { versionId: sealedAt.version_id, alreadySealed: true };
  const head = store.head(entity);
  if (head === undefined)
    throw refuse(
      '/entity',
      'an entity with a promoted version',
      `${entity.type}/${entity.id}`,
      'nothing to seal',
    );
  await log.append(streams.entity(entity), [sealed(entity, phase, head.versionId, by)], {
    expectedRevision: 'any',
  });
  return { versionId: head.versionId, alreadySealed: false };
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
