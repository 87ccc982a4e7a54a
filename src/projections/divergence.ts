import type { EventData } from '../events/catalogue';
import type { BranchRow, LineageReader } from './projectionStore';
import { mergeBase } from './mergeBase';

export type Divergence =
  /** The branch started from the current head (or both are empty): nothing to reconcile with. */
  | { kind: 'fast-forward'; headVersionId: string | null }
  /** The head moved since the branch's base; `mergeBaseId` is null for a new entity. */
  | { kind: 'diverged'; event: EventData<'DivergenceDetected'>; mergeBaseId: string | null }
  /** The branch's base is not a version this entity ever had. */
  | { kind: 'unknown-base'; reason: string };

const related = (p: string, q: string) => p === q || p.startsWith(`${q}/`) || q.startsWith(`${p}/`);

/**
 * Compares a committed branch's base with the entity's head. When they differ: staleness is
 * the number of promotions since the merge base; overlap lists the branch's touched paths that
 * those promotions also changed (a path, its ancestor or its descendant).
 */
export const detectDivergence = (
  store: Pick<LineageReader, 'head' | 'parentsOf' | 'changedAfter'>,
  branch: BranchRow,
  touched: readonly string[],
): Divergence => {
  const head = store.head(branch.entity);
  const base = branch.baseVersionId;
  if (head === undefined)
    return base === null
      ? { kind: 'fast-forward', headVersionId: null }
      : {
          kind: 'unknown-base',
          reason: `base version ${base} of ${branch.entity.type}/${branch.entity.id} was never promoted`,
        };
  if (head.versionId === base) return { kind: 'fast-forward', headVersionId: head.versionId };
  const mergeBaseId = base === null ? null : mergeBase(store, base, head.versionId);
  if (mergeBaseId === undefined)
    return {
      kind: 'unknown-base',
      reason: `base version ${base} shares no ancestor with head ${head.versionId}`,
    };
  const since = mergeBaseId === null ? 0 : store.parentsOf(mergeBaseId)!.ordinal;
  const changed = store.changedAfter(branch.entity, since);
  const overlap = [...new Set(touched.filter((p) => changed.some((q) => related(p, q))))].sort();
  return {
    kind: 'diverged',
    mergeBaseId,
    event: {
      branchId: branch.branchId,
      entity: branch.entity,
      baseVersionId: base,
      headVersionId: head.versionId,
      staleness: head.ordinal - since,
      overlap,
    },
  };
};
