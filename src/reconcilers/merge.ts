import { childOf, isContainer, withChild } from './containers';
import { isObject, jsonEqual, own, type Json, type JsonObject } from './json';
import { mergeKeyed, mergeSet } from './mergeCollections';
import { decide, RULES, type MergeContext, type Sides } from './mergeContext';
import { belowMinimum, discardBelowMinimum, resolveConflict, takeTheirs } from './resolveConflict';
import type { TouchedNode } from './touchedPaths';

/**
 * Merges only where the branch's ops reached: below an untouched node the head's value is
 * kept as is, so the cost follows the paths touched, not the size of the document.
 */
export const mergeTouched = (ctx: MergeContext, s: Sides, node: TouchedNode): Json | undefined => {
  if (node.whole) return mergeValue(ctx, s);
  const collection = ctx.rules.collectionAt(s.path);
  const containers = [s.base, s.ours, s.theirs].every((v) => isContainer(v, collection));
  if (!containers) return mergeValue(ctx, s);
  let out = s.ours as JsonObject | Json[];
  for (const segment of [...node.children.keys()].sort()) {
    const ours = childOf(s.ours, segment, collection);
    const merged = mergeTouched(
      ctx,
      {
        path: [...s.path, segment],
        base: childOf(s.base, segment, collection),
        ours,
        theirs: childOf(s.theirs, segment, collection),
      },
      node.children.get(segment)!,
    );
    if (merged !== ours) out = withChild(out, segment, merged, collection);
  }
  return out;
};

/** Three-way merge of the values at one path, descending into objects and collections. */
export const mergeValue = (ctx: MergeContext, s: Sides): Json | undefined => {
  const { base, ours, theirs } = s;
  if (jsonEqual(theirs, base)) return ours;
  if (jsonEqual(ours, theirs)) {
    const branchIds = [...new Set([...ctx.oursBy(s.path).branchIds, ...ctx.theirsBy.branchIds])];
    return decide(ctx, s, ours, RULES.SAME_CHANGE, { branchIds });
  }
  const collection = ctx.rules.collectionAt(s.path);
  const fits = (test: (v: Json | undefined) => boolean) =>
    test(ours) && test(theirs) && (base === undefined || test(base));
  if (collection?.kind === 'set' && fits(Array.isArray)) return mergeSet(ctx, s);
  if (collection?.kind === 'keyed' && fits(Array.isArray))
    return mergeKeyed(ctx, s, collection, mergeValue);
  if (collection === undefined && fits(isObject)) return mergeFields(ctx, s);
  if (jsonEqual(ours, base))
    return belowMinimum(ctx, s.path)
      ? discardBelowMinimum(ctx, s)
      : takeTheirs(ctx, s, RULES.THEIRS_ONLY);
  return resolveConflict(ctx, s);
};

/** Field by field: every field the branch changed is merged on its own. */
const mergeFields = (ctx: MergeContext, s: Sides): JsonObject => {
  const base = (s.base ?? {}) as JsonObject;
  const ours = s.ours as JsonObject;
  const theirs = s.theirs as JsonObject;
  const keys = [...new Set([...Object.keys(base), ...Object.keys(theirs)])].sort();
  let out: JsonObject | undefined;
  for (const key of keys) {
    const [b, o, t] = [own(base, key), own(ours, key), own(theirs, key)];
    if (t === b) continue;
    const merged = mergeValue(ctx, { path: [...s.path, key], base: b, ours: o, theirs: t });
    if (merged === o) continue;
    out ??= { ...ours };
    if (merged === undefined) delete out[key];
    else out[key] = merged;
  }
  return out ?? ours;
};
