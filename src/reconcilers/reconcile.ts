import * as E from 'fp-ts/Either';
import type { ValidationError } from '../events/errors';
import type { Decision, Take } from '../events/schemas/entityEvents';
import type { Op } from '../events/schemas/ops';
import { applyOps, type AppliedOps } from './applyOps';
import type { JsonObject } from './json';
import { mergeTouched } from './merge';
import type { Conflict, MergeContext } from './mergeContext';
import type { CompiledRules, Provenance } from './mergeRules';
import { emptyTouched, type TouchedNode } from './touchedPaths';

/** The head side of a merge: its document and who wrote each of its values. */
export interface Ours {
  doc: JsonObject;
  /** Provenance of the value at a path (nearest recorded ancestor, else the head's own). */
  by: (path: readonly string[]) => Provenance;
  /**
   * Whether a version promoted since the merge base wrote the head's value at a path (changed
   * it, or a surer branch set it again). A value equal to the base's may still be news to the
   * branch: it was decided after the branch read it. Absent: the head is the merge base.
   */
  writtenSinceBase?: (path: readonly string[]) => boolean;
}

/** A merged document and a decision for every path the branch changed. */
export interface Candidate {
  doc: JsonObject;
  decisions: Decision[];
}

export type MergeFailure =
  /** The branch's ops do not apply to its base: the branch is invalid, nothing was merged. */
  | { kind: 'invalid'; error: ValidationError }
  /** Paths no policy resolved; `candidate` keeps the head's value at each of them. */
  | { kind: 'conflicts'; conflicts: Conflict[]; candidate: Candidate };

export type MergeResult = E.Either<MergeFailure, Candidate>;

const run = (
  rules: CompiledRules,
  base: JsonObject,
  ours: Ours,
  theirs: JsonObject,
  theirsBy: Provenance,
  touched: TouchedNode,
  takes: readonly Take[] | undefined,
): MergeResult => {
  const ctx: MergeContext = {
    rules,
    touched,
    oursBy: ours.by,
    writtenSinceBase: ours.writtenSinceBase,
    theirsBy,
    decisions: [],
    conflicts: [],
    takes: takes?.length ? new Map(takes.map((t) => [t.path, t.side])) : undefined,
  };
  const doc = mergeTouched(ctx, { path: [], base, ours: ours.doc, theirs }, touched) as JsonObject;
  const candidate = { doc, decisions: ctx.decisions };
  return ctx.conflicts.length > 0
    ? E.left({ kind: 'conflicts', conflicts: ctx.conflicts, candidate })
    : E.right(candidate);
};

/**
 * Reconciles a branch with the head: applies the branch's ops to its base (the merge base),
 * then merges three ways where the ops reached. Pure and deterministic.
 */
export const reconcile = (
  rules: CompiledRules,
  input: { base: JsonObject; ours: Ours; ops: readonly Op[]; theirsBy: Provenance },
): MergeResult => {
  const applied = applyOps(input.base, input.ops, rules);
  if (E.isLeft(applied)) return E.left({ kind: 'invalid', error: applied.left });
  const { base, ours, theirsBy } = input;
  return mergeApplied(rules, { base, ours, theirs: applied.right, theirsBy });
};

/** What both merges take: the sides, and the conflicts an operator already settled. */
interface MergeInput<Theirs> {
  base: JsonObject;
  ours: Ours;
  theirs: Theirs;
  theirsBy: Provenance;
  takes?: readonly Take[];
}

/** The merge half of `reconcile`, for callers that applied the ops themselves. */
export const mergeApplied = (rules: CompiledRules, input: MergeInput<AppliedOps>): MergeResult =>
  run(
    rules,
    input.base,
    input.ours,
    input.theirs.doc,
    input.theirsBy,
    input.theirs.touched,
    input.takes,
  );

/** Three-way merge of whole documents, for callers that hold the branch's result, not its ops. */
export const mergeDocuments = (
  rules: CompiledRules,
  input: MergeInput<JsonObject>,
): MergeResult => {
  const touched = emptyTouched();
  touched.whole = true;
  return run(rules, input.base, input.ours, input.theirs, input.theirsBy, touched, input.takes);
};
