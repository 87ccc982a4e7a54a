import type { LineageReader } from './projectionStore';

/**
 * The best common ancestor of two versions of one entity in the lineage DAG: of the versions
 * both descend from (each counts as its own ancestor), the one promoted last. Walks down from
 * both sides at once, always from the most recent version, so it stops at the answer instead
 * of visiting all history. Undefined when they share no ancestor.
 */
export const mergeBase = (
  store: Pick<LineageReader, 'parentsOf'>,
  a: string,
  b: string,
): string | undefined => {
  const painted = new Map<string, number>(); // bit 1: reached from a, bit 2: from b
  const ordinals = new Map<string, number>();
  const frontier = new Set<string>();
  const reach = (id: string, side: number) => {
    const ordinal = store.parentsOf(id)?.ordinal;
    if (ordinal === undefined) return;
    ordinals.set(id, ordinal);
    painted.set(id, (painted.get(id) ?? 0) | side);
    frontier.add(id);
  };
  reach(a, 1);
  reach(b, 2);
  while (frontier.size > 0) {
    let latest = '';
    for (const id of frontier)
      if (latest === '' || ordinals.get(id)! > ordinals.get(latest)!) latest = id;
    frontier.delete(latest);
    const side = painted.get(latest)!;
    if (side === 3) return latest;
    for (const parent of store.parentsOf(latest)?.parents ?? []) reach(parent, side);
  }
  return undefined;
};
