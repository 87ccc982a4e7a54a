import { childOf, elementKey, isContainer, withChildren, type ChildChange } from './containers';
import { isObject, jsonEqual, own, type Json, type JsonObject } from './json';
import { keepTheirsOrder, mergeKeyed, mergeSet } from './mergeCollections';
import { decide, RULES, theirsConfidence, type MergeContext, type Sides } from './mergeContext';
import { belowMinimum, discardBelowMinimum, resolveConflict, takeTheirs } from './resolveConflict';
import { sortStrings } from '../events/jsonText';
import { confidenceAt, type TouchedNode } from './touchedPaths';

/**
 * Merges only where the branch's ops reached: below an untouched node the head's value is
 * kept as is, so the cost follows the paths touched, not the size of the document.
 */
export const mergeTouched = (ctx: MergeContext, s: Sides, node: TouchedNode): Json | undefined => {
  if (node.whole) return mergeValue(ctx, s);
  const collection = ctx.rules.collectionAt(s.path);
  const containers =
    isContainer(s.base, collection) &&
    isContainer(s.ours, collection) &&
    isContainer(s.theirs, collection);
  if (!containers) return mergeValue(ctx, s);
  const changes: ChildChange[] = [];
  for (const segment of sortStrings([...(node.children?.keys() ?? [])])) {
    const ours = childOf(s.ours, segment, collection);
    const merged = mergeTouched(
      ctx,
      {
        path: [...s.path, segment],
        base: childOf(s.base, segment, collection),
        ours,
        theirs: childOf(s.theirs, segment, collection),
      },
      node.children!.get(segment)!,
    );
    if (merged !== ours) changes.push([segment, merged]);
  }
  if (collection?.kind !== 'keyed')
    return changes.length === 0 ? s.ours : withChildren(s.ours as JsonObject, changes, collection);
  // Elements new to the head go to its end in the branch's order, as in mergeKeyed.
  if (changes.length > 1) changes.sort(byPositionIn(s.theirs as Json[], collection.key));
  const merged =
    changes.length === 0 ? s.ours : withChildren(s.ours as Json[], changes, collection);
  return keepTheirsOrder(merged as Json[], s, collection.key);
};

const byPositionIn = (elements: Json[], key: string) => {
  const position = new Map(elements.map((e, i) => [elementKey(e, key), i]));
  return ([a]: ChildChange, [b]: ChildChange) => (position.get(a) ?? -1) - (position.get(b) ?? -1);
};

/** Three-way merge of the values at one path, descending into objects and collections. */
export const mergeValue = (ctx: MergeContext, s: Sides): Json | undefined => {
  const { base, ours, theirs } = s;
  if (jsonEqual(theirs, base) && !assertsConfidence(ctx, s.path)) return ours;
  const collection = ctx.rules.collectionAt(s.path);
  const fits = (test: (v: Json | undefined) => boolean) =>
    test(ours) && test(theirs) && (base === undefined || test(base));
  // Containers are merged child by child, so decisions name the deepest paths that changed.
  if (collection?.kind === 'keyed' && fits(Array.isArray))
    return mergeKeyed(ctx, s, collection, mergeValue);
  if (collection === undefined && fits(isObject)) {
    // Both sides created the object and the branch's has no fields: nothing to merge field by
    // field, yet the branch's change (that the object exists) must still get its decision.
    if (base === undefined && Object.keys(theirs as JsonObject).length === 0)
      return decide(ctx, s, ours, RULES.SAME_CHANGE, {
        branchIds: [...new Set([...ctx.oursBy(s.path).branchIds, ...ctx.theirsBy.branchIds])],
        confidence: theirsConfidence(ctx, s.path),
      });
    return mergeFields(ctx, s);
  }
  if (jsonEqual(ours, theirs)) {
    const branchIds = [...new Set([...ctx.oursBy(s.path).branchIds, ...ctx.theirsBy.branchIds])];
    // The branch's confidence goes with the decision: the head's provenance keeps the surer one.
    const confidence = theirsConfidence(ctx, s.path);
    return decide(ctx, s, ours, RULES.SAME_CHANGE, { branchIds, confidence });
  }
  if (collection?.kind === 'set' && fits(Array.isArray)) return mergeSet(ctx, s);
  if (jsonEqual(ours, base)) {
    if (belowMinimum(ctx, s.path)) return discardBelowMinimum(ctx, s);
    // The head holds the base's value, but a version promoted since the base decided it again
    // (a surer branch set the same value, or a change was undone): the branch never saw that.
    // Asked only when it could matter: after a fast-forward nothing was; a surer change wins anyway.
    const { writtenSinceBase } = ctx;
    if (
      writtenSinceBase !== undefined &&
      weighsConfidence(ctx, s.path) &&
      !surer(ctx, s.path) &&
      writtenSinceBase(s.path)
    )
      return resolveConflict(ctx, s);
    return takeTheirs(ctx, s, RULES.THEIRS_ONLY);
  }
  return resolveConflict(ctx, s);
};

/** Whether the branch's confidence at a path beats the head's (a value without one counts as 1). */
const surer = (ctx: MergeContext, path: readonly string[]) =>
  (theirsConfidence(ctx, path) ?? 1) > (ctx.oursBy(path).confidence ?? 1);

/** Whether the path's policy weighs confidence (on a plain value, not a collection). */
const weighsConfidence = (ctx: MergeContext, path: readonly string[]) =>
  ctx.rules.policyAt(path).rule === 'confidence' && ctx.rules.collectionAt(path) === undefined;

/**
 * Whether the branch set the value it started from again, with a confidence, where confidence
 * decides: that is a claim too. The head's own change since then is weighed against it, and a
 * surer claim of the value the head still has raises that value's confidence.
 */
const assertsConfidence = (ctx: MergeContext, path: readonly string[]) =>
  weighsConfidence(ctx, path) && confidenceAt(ctx.touched, path) !== undefined;

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
