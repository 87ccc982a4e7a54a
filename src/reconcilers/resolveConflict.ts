import { jsonIssues } from '../events/canonicalJson';
import { formatIssue } from '../events/errors';
import { formatPointer } from '../events/jsonPointer';
import { jsonEqual, type Json } from './json';
import {
  decide,
  leaveUnresolved,
  RULES,
  theirsConfidence,
  type MergeContext,
  type Sides,
} from './mergeContext';
import type { Policy, Provenance } from './mergeRules';

type Winner = 'ours' | 'theirs' | 'tie';

const compare = (ours: number, theirs: number): Winner =>
  theirs > ours ? 'theirs' : theirs < ours ? 'ours' : 'tie';

/** Whether the branch's change at a path falls below the path's `minConfidence`. */
export const belowMinimum = (ctx: MergeContext, path: readonly string[]): boolean => {
  const policy = ctx.rules.policyAt(path);
  if (policy.rule !== 'confidence' || policy.minConfidence === undefined) return false;
  return (theirsConfidence(ctx, path) ?? 1) < policy.minConfidence;
};

/** Keeps the head's value because the branch's change was below the minimum confidence. */
export const discardBelowMinimum = (ctx: MergeContext, s: Sides) =>
  decide(ctx, s, s.ours, RULES.BELOW_MIN, ctx.oursBy(s.path));

/** Takes the branch's value, recording who wrote it and how sure they were. */
export const takeTheirs = (ctx: MergeContext, s: Sides, rule: string) =>
  decide(ctx, s, s.theirs, rule, {
    branchIds: ctx.theirsBy.branchIds,
    confidence: theirsConfidence(ctx, s.path),
  });

/** Both sides changed the path differently: the path's policy decides, or nobody does. */
export const resolveConflict = (ctx: MergeContext, s: Sides): Json | undefined => {
  const policy = ctx.rules.policyAt(s.path);
  if (policy.rule === 'custom') return resolveCustom(ctx, s, policy);
  if (policy.rule === 'reject')
    return leaveUnresolved(
      ctx,
      s,
      'reject',
      'both sides changed this path and no policy covers it',
    );
  if (belowMinimum(ctx, s.path)) return discardBelowMinimum(ctx, s);
  const oursBy = ctx.oursBy(s.path);
  const [rule, winner, tie] = rank(ctx, policy, oursBy, theirsConfidence(ctx, s.path));
  if (winner === 'theirs') return takeTheirs(ctx, s, rule);
  if (winner === 'ours') return decide(ctx, s, s.ours, rule, oursBy);
  return leaveUnresolved(ctx, s, rule, tie);
};

const rank = (
  ctx: MergeContext,
  policy: Exclude<Policy, { rule: 'custom' | 'reject' }>,
  ours: Provenance,
  theirsConfidenceValue: number | undefined,
): [string, Winner, string] => {
  const theirs = ctx.theirsBy;
  if (policy.rule === 'confidence') {
    const [o, t] = [ours.confidence ?? 1, theirsConfidenceValue ?? 1];
    return ['confidence', compare(o, t), `both sides have confidence ${o}`];
  }
  if (policy.by === 'phase') {
    const winner = compare(ctx.rules.phaseRank(ours.phase), ctx.rules.phaseRank(theirs.phase));
    return ['priority:phase', winner, `both sides are in phase "${theirs.phase}"`];
  }
  const order = (actor: string) => {
    const i = policy.ranks.indexOf(actor);
    return i < 0 ? policy.ranks.length : i;
  };
  // A lower index is a higher rank, so the comparison is reversed.
  const winner = compare(-order(ours.actor), -order(theirs.actor));
  return ['priority:actor', winner, `"${ours.actor}" and "${theirs.actor}" have the same rank`];
};

const resolveCustom = (
  ctx: MergeContext,
  s: Sides,
  policy: Extract<Policy, { rule: 'custom' }>,
): Json | undefined => {
  const rule = `custom:${policy.name}`;
  const oursBy = ctx.oursBy(s.path);
  const theirsBy = { ...ctx.theirsBy };
  const confidence = theirsConfidence(ctx, s.path);
  if (confidence !== undefined) theirsBy.confidence = confidence;
  const result = policy.resolve({
    path: formatPointer(s.path),
    base: s.base,
    ours: s.ours,
    theirs: s.theirs,
    oursBy,
    theirsBy,
  });
  if ('unresolved' in result) return leaveUnresolved(ctx, s, rule, result.unresolved);
  const bad = result.chosen === undefined ? undefined : jsonIssues(result.chosen)[0];
  if (bad !== undefined)
    return leaveUnresolved(
      ctx,
      s,
      rule,
      `the policy chose a value that is not JSON: ${formatIssue(bad)}`,
    );
  if (jsonEqual(result.chosen, s.theirs)) return takeTheirs(ctx, s, rule);
  if (jsonEqual(result.chosen, s.ours)) return decide(ctx, s, s.ours, rule, oursBy);
  const branchIds = [...new Set([...oursBy.branchIds, ...theirsBy.branchIds])];
  return decide(ctx, s, result.chosen, rule, { branchIds });
};
