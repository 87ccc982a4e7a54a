import type { ProjectionStore } from './projectionStore';

const remembered = <K, V>(read: (key: K) => V): ((key: K) => V) => {
  const seen = new Map<K, V>();
  return (key) => {
    if (seen.has(key)) return seen.get(key)!;
    const value = read(key);
    seen.set(key, value);
    return value;
  };
};

/**
 * The store, with each branch, head, version, branch's ops and version's parents read once:
 * for one read transaction, in which nothing changes. Reconciling a branch and gating it ask
 * for the same head, base and ops several times; the answers are shared, and nothing that
 * reads them changes them (the reconcilers copy what they modify).
 */
export const passReads = (store: ProjectionStore): ProjectionStore => {
  const heads = new Map<string, ReturnType<ProjectionStore['head']>>();
  return {
    ...store,
    branch: remembered((id: string) => store.branch(id)),
    branchOps: remembered((id: string) => store.branchOps(id)),
    version: remembered((id: string) => store.version(id)),
    parentsOf: remembered((id: string) => store.parentsOf(id)),
    head: (entity) => {
      const key = `${entity.type}/${entity.id}`;
      if (!heads.has(key)) heads.set(key, store.head(entity));
      return heads.get(key);
    },
  };
};
