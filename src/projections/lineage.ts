import type { EventOfType } from '../events/catalogue';
import type { RecordedEvent } from '../events/eventLog';
import { createHeadProvenance } from '../reconcilers/headProvenance';
import { jsonEqual, type JsonObject } from '../reconcilers/json';
import { sortStrings } from '../events/jsonText';
import { escapeSegment } from '../events/jsonPointer';
import { EventRejected, type Projection } from './projection';
import type { ProjectionStore } from './projectionStore';

/** Paths a promotion changed: from its decisions, else (no decisions) by top-level field. */
export const changedPaths = (
  { decisions, doc }: Pick<EventOfType<'VersionPromoted'>['data'], 'decisions' | 'doc'>,
  previousDoc: () => JsonObject | undefined,
): string[] => {
  if (decisions.length > 0) {
    const paths: string[] = [];
    for (const d of decisions) if (!jsonEqual(d.chosen, d.ours)) paths.push(d.path);
    return sortStrings(paths).filter((p, i) => p !== paths[i - 1]);
  }
  const before = previousDoc() ?? {};
  return [...new Set([...Object.keys(before), ...Object.keys(doc)])]
    .filter((k) => !jsonEqual(before[k], doc[k]))
    .map((k) => `/${escapeSegment(k)}`)
    .sort();
};

const promote = (event: RecordedEvent & EventOfType<'VersionPromoted'>, store: ProjectionStore) => {
  const v = event.data;
  const head = store.head(v.entity);
  const ordinal = (head?.ordinal ?? 0) + 1;
  // The previous document is only read when there are no decisions to say what changed.
  const changed = changedPaths(event.data, () => (head && store.version(head.versionId))?.doc);
  const inserted = store
    .statement(
      `INSERT INTO versions (version_id, entity_type, entity_id, ordinal, parents, depth, phase, branch_ids, hash, promoted_at, doc, changed)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (version_id) DO NOTHING`,
    )
    .run(
      v.versionId,
      v.entity.type,
      v.entity.id,
      ordinal,
      JSON.stringify(v.parents),
      v.depth,
      v.phase,
      JSON.stringify(v.branchIds),
      v.hash,
      v.promotedAt,
      JSON.stringify(v.doc),
      JSON.stringify(changed),
    );
  if (inserted.changes === 0) throw new EventRejected(`version ${v.versionId} promoted twice`);
  const writerBranch =
    v.branchIds.length === 1
      ? (store.statement('SELECT actor FROM branches WHERE branch_id = ?').get(v.branchIds[0]) as
          { actor: string } | undefined)
      : undefined;
  const writer = { phase: v.phase, actor: writerBranch?.actor ?? event.metadata.actor };
  const provenance = createHeadProvenance(
    { branchIds: v.branchIds, ...writer },
    head?.provenance ?? [],
  );
  provenance.record(v.decisions, writer);
  store
    .statement(
      `INSERT INTO heads (entity_type, entity_id, version_id, ordinal, provenance) VALUES (?, ?, ?, ?, ?)
       ON CONFLICT (entity_type, entity_id) DO UPDATE SET version_id = excluded.version_id, ordinal = excluded.ordinal, provenance = excluded.provenance`,
    )
    .run(v.entity.type, v.entity.id, v.versionId, ordinal, JSON.stringify(provenance.entries()));
};

/**
 * Lineage index and entity heads: every promoted version with its parents, branches, phase,
 * depth, hash and changed paths; per entity the latest version and who wrote each value.
 */
export const lineage: Projection = {
  name: 'lineage',
  apply: (event, store) => {
    if (event.type === 'VersionPromoted') return promote(event, store);
    if (event.type === 'PhaseSealed') {
      const { entity, phase, versionId } = event.data;
      store
        .statement(
          'INSERT OR REPLACE INTO phase_seals (entity_type, entity_id, phase, version_id) VALUES (?, ?, ?, ?)',
        )
        .run(entity.type, entity.id, phase, versionId);
    }
  },
};
