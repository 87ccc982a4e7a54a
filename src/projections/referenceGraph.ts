import type { EntityRegistry } from './defineEntity';
import type { Projection } from './projection';
import { referencesIn } from './references';

/** Who references whom: the declared references of every entity's head document. */
export const referenceGraph = (registry: EntityRegistry): Projection => ({
  name: 'referenceGraph',
  apply: (event, store) => {
    if (event.type !== 'VersionPromoted') return;
    const { entity, doc } = event.data;
    const type = registry.get(entity.type);
    if (type === undefined) return;
    store
      .statement('DELETE FROM entity_references WHERE from_type = ? AND from_id = ?')
      .run(entity.type, entity.id);
    const insert = store.statement(
      'INSERT OR IGNORE INTO entity_references (from_type, from_id, path, to_type, to_id) VALUES (?, ?, ?, ?, ?)',
    );
    for (const r of referencesIn(doc, type))
      insert.run(entity.type, entity.id, r.path, r.to.type, r.to.id);
  },
});
