import { parsePointer } from '../../src/events/jsonPointer';
import type { EntityRef } from '../../src/events/schemas/common';
import type { ProjectionStore } from '../../src/projections/projectionStore';
import { createHeadProvenance } from '../../src/reconcilers/headProvenance';
import type { ReadView } from './agents';
import { hasLineValue } from './localState';

const NOBODY = { branchIds: [], phase: '', actor: '' };

/**
 * What a Driftless branch reads: the promoted head of its entity (the version it branches
 * from), the confidences its head provenance records, and vendors' promoted heads.
 */
export const headReader = (store: ProjectionStore) => {
  const headDoc = (entity: EntityRef) => {
    const head = store.head(entity);
    if (head === undefined) throw new Error(`bench: ${entity.type}/${entity.id} has no head`);
    return { head, doc: store.version(head.versionId)!.doc };
  };
  return (entity: EntityRef): [versionId: string, read: ReadView] => {
    const { head, doc } = headDoc(entity);
    const provenance = createHeadProvenance(NOBODY, head.provenance);
    const confidenceAt = (path: string) =>
      hasLineValue(doc, path)
        ? (provenance.by(parsePointer(path) ?? []).confidence ?? 1)
        : undefined;
    const vendorActive = (id: string) => headDoc({ type: 'vendor', id }).doc.status === 'active';
    return [head.versionId, { doc, confidenceAt, vendorActive }];
  };
};
