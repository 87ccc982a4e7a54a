import { elementKey } from './containers';
import { jsonEqual, type Json } from './json';
import { decide, RULES, theirsConfidence, type MergeContext, type Sides } from './mergeContext';
import type { KeyedArray } from './mergeRules';
import { belowMinimum, discardBelowMinimum } from './resolveConflict';

const byKey = (elements: readonly Json[], key: string): Map<string, Json> =>
  new Map(elements.map((e) => [elementKey(e, key)!, e]));

/**
 * Element by element, matched by key: each element the branch changed, added or removed is
 * merged on its own. Order: the head's elements in its order, then new ones in the branch's.
 */
export const mergeKeyed = (
  ctx: MergeContext,
  s: Sides,
  keyed: KeyedArray,
  mergeValue: (ctx: MergeContext, s: Sides) => Json | undefined,
): Json[] => {
  const ours = s.ours as Json[];
  const theirs = s.theirs as Json[];
  const [b, o, t] = [
    byKey((s.base ?? []) as Json[], keyed.key),
    byKey(ours, keyed.key),
    byKey(theirs, keyed.key),
  ];
  const changed = new Map<string, Json | undefined>();
  for (const key of [...new Set([...b.keys(), ...t.keys()])].sort()) {
    const [bk, ok, tk] = [b.get(key), o.get(key), t.get(key)];
    if (tk === bk) continue;
    const merged = mergeValue(ctx, { path: [...s.path, key], base: bk, ours: ok, theirs: tk });
    if (merged !== ok) changed.set(key, merged);
  }
  if (changed.size === 0) return keepTheirsOrder(ours, s, keyed.key);
  const out: Json[] = [];
  for (const element of ours) {
    const key = elementKey(element, keyed.key)!;
    const next = changed.has(key) ? changed.get(key) : element;
    if (next !== undefined) out.push(next);
    changed.delete(key);
  }
  const added = (key: string) => changed.get(key) !== undefined;
  const theirsOrder = [...t.keys()].filter(added);
  const rest = [...changed.keys()].filter((k) => added(k) && !t.has(k)).sort();
  for (const key of [...theirsOrder, ...rest]) out.push(changed.get(key)!);
  return keepTheirsOrder(out, s, keyed.key);
};

/**
 * When only the branch changed a keyed array, the result keeps the branch's element order
 * too (so merging into an unchanged head gives exactly the branch's result); otherwise the
 * head's order stands and new elements follow it in the branch's order.
 */
export const keepTheirsOrder = (merged: Json[], s: Sides, key: string): Json[] => {
  if (!jsonEqual(s.ours, s.base)) return merged;
  const theirs = s.theirs as Json[];
  const position = new Map(theirs.map((e, i) => [elementKey(e, key), i]));
  const at = (e: Json) => position.get(elementKey(e, key)) ?? theirs.length;
  const inOrder = merged.every((e, i) => i === 0 || at(merged[i - 1]!) <= at(e));
  return inOrder ? merged : merged.slice().sort((a, b) => at(a) - at(b));
};

/**
 * Union with removals honoured: the head's members, minus what the branch removed, plus what
 * it added. It never conflicts; a branch change below the minimum confidence is discarded.
 */
export const mergeSet = (ctx: MergeContext, s: Sides): Json | undefined => {
  if (belowMinimum(ctx, s.path)) return discardBelowMinimum(ctx, s);
  const base = (s.base ?? []) as Json[];
  const ours = s.ours as Json[];
  const theirs = s.theirs as Json[];
  const [inBase, inTheirs, inOurs] = [new Set(base), new Set(theirs), new Set(ours)];
  const merged = [
    ...ours.filter((m) => !inBase.has(m) || inTheirs.has(m)),
    ...theirs.filter((m) => !inBase.has(m) && !inOurs.has(m)),
  ];
  const rule = jsonEqual(s.ours, s.base) ? RULES.THEIRS_ONLY : RULES.SET_UNION;
  const branchIds =
    rule === RULES.THEIRS_ONLY
      ? ctx.theirsBy.branchIds
      : [...new Set([...ctx.oursBy(s.path).branchIds, ...ctx.theirsBy.branchIds])];
  return decide(ctx, s, merged, rule, { branchIds, confidence: theirsConfidence(ctx, s.path) });
};
