import type { GateLookups } from '../validators/gateInput';
import type { EntityRegistry } from './defineEntity';
import type { ProjectionStore } from './projectionStore';

/** The promotion gate's questions, answered from the projections. */
export const gateLookups = (store: ProjectionStore, registry: EntityRegistry): GateLookups => ({
  head: (entity) => {
    const head = store.head(entity);
    if (head === undefined) return undefined;
    const isRemoved = registry.get(entity.type)?.removed;
    const removed = isRemoved !== undefined && isRemoved(store.version(head.versionId)!.doc);
    return { versionId: head.versionId, ordinal: head.ordinal, removed };
  },
  referencesTo: (entity) => store.referencesTo(entity),
  seal: (entity, phase) => {
    const row = store
      .statement(
        `SELECT s.version_id, v.ordinal FROM phase_seals s JOIN versions v ON v.version_id = s.version_id
         WHERE s.entity_type = ? AND s.entity_id = ? AND s.phase = ?`,
      )
      .get(entity.type, entity.id, phase) as { version_id: string; ordinal: number } | undefined;
    return row && { versionId: row.version_id, ordinal: row.ordinal };
  },
  ordinalOf: (versionId) => store.parentsOf(versionId)?.ordinal,
});
