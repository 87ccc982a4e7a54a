import * as E from 'fp-ts/Either';
import { mutationDigest, versionHash } from '../events/hash';
import type { EntityRegistry } from '../projections/defineEntity';
import { changedPaths } from '../projections/lineage';
import type { Op } from '../events/schemas/ops';
import type { BranchRow, VersionRow } from '../projections/projectionStore';
import { reconcileBranch } from '../projections/reconcileBranch';
import { createHeadProvenance } from '../reconcilers/headProvenance';
import type { Candidate, MergeFailure } from '../reconcilers/reconcile';
import type { Promotion } from './entityHistory';
import type { ReplayState } from './replayState';

/** A version as replay recomputed it from the branch events (never from the recorded doc). */
export type RebuiltVersion = Omit<VersionRow, 'ordinal' | 'changed'> &
  Candidate & {
    /**
     * Why the branch's recorded mutations disagree with its commit (count or digest), which the
     * promoter's gate would have refused: one of them was edited or removed after the commit.
     */
    commitMismatch: string | null;
  };

const reasonOf = (failure: MergeFailure) =>
  failure.kind === 'conflicts'
    ? `the branch no longer merges: unresolved conflicts at ${failure.conflicts.map((c) => `"${c.path}"`).join(', ')}`
    : `the branch's ops do not apply: ${failure.error.message}`;

const checkCommit = (
  branchId: string,
  { commitCount, commitDigest }: BranchRow,
  mutations: readonly Op[][],
): string | null => {
  if (commitCount !== null && commitCount !== mutations.length)
    return `branch ${branchId} committed ${commitCount} mutations, the log holds ${mutations.length}`;
  if (commitDigest !== null && commitDigest !== mutationDigest(mutations))
    return `branch ${branchId}'s mutations no longer match the digest its commit recorded (edited after the commit)`;
  return null;
};

/**
 * Recomputes the version a VersionPromoted event records: which branch it promoted comes from
 * the event; the document, decisions, parents, depth, phase and hash come from that branch's
 * own events, its base and the entity's head as replay rebuilt them, through the promoter's
 * reconciliation. Left: why it cannot be rebuilt.
 */
export const rebuildVersion = (
  state: ReplayState,
  registry: EntityRegistry,
  { data: v }: Promotion,
): E.Either<string, RebuiltVersion> => {
  const branchId = v.branchIds[0];
  if (branchId === undefined || v.branchIds.length > 1)
    return E.left(`it names ${v.branchIds.length} branches; the promoter promotes one at a time`);
  const branch = state.reader.branch(branchId);
  if (branch === undefined)
    return E.left(`branch ${branchId} was not opened, or had already ended, before it`);
  if (branch.status !== 'committed')
    return E.left(`branch ${branchId} was ${branch.status}, not committed, when it was promoted`);
  const commitMismatch = checkCommit(branchId, branch, state.reader.branchOps(branchId));
  const reconciled = reconcileBranch(state.reader, registry, branchId);
  if (E.isLeft(reconciled)) return E.left(reconciled.left);
  const { result, parents } = reconciled.right;
  if (E.isLeft(result)) return E.left(reasonOf(result.left));
  const parentHashes: string[] = [];
  let depth = 0;
  for (const id of parents) {
    const parent = state.reader.version(id)!;
    parentHashes.push(parent.hash);
    depth = Math.max(depth, parent.depth + 1);
  }
  const { doc, decisions } = result.right;
  const { versionId, promotedAt } = v;
  const { entity, phase } = branch;
  const branchIds = [branchId];
  // Built field by field: object spread is several times slower on this hot path.
  const hash = versionHash({
    versionId,
    entity,
    depth,
    phase,
    branchIds,
    promotedAt,
    doc,
    parentHashes,
  });
  return E.right({
    versionId,
    entity,
    parents,
    depth,
    phase,
    branchIds,
    promotedAt,
    hash,
    doc,
    decisions,
    commitMismatch,
  });
};

/**
 * Makes a version the entity's head in the replay state, as the lineage projection does:
 * ordinal, changed paths and who wrote each value. A version that could not be rebuilt keeps
 * the head's document, so the rest of the entity's history can still be replayed.
 */
export const applyVersion = (
  state: ReplayState,
  event: Promotion,
  rebuilt: E.Either<string, RebuiltVersion>,
): VersionRow => {
  const v = event.data;
  const head = state.reader.head(v.entity);
  const headDoc = head && state.reader.version(head.versionId)?.doc;
  const version = E.isRight(rebuilt)
    ? rebuilt.right
    : { ...v, hash: `unrebuilt:${v.hash}`, doc: headDoc ?? {}, decisions: [] };
  const branch = v.branchIds.length === 1 ? state.reader.branch(v.branchIds[0]!) : undefined;
  const writer = { phase: version.phase, actor: branch?.actor ?? event.metadata.actor };
  // Exactly as the lineage projection does it: recording may depend on the fallback.
  const fallback = { branchIds: version.branchIds, phase: writer.phase, actor: writer.actor };
  const provenance = createHeadProvenance(fallback, head?.provenance ?? []);
  provenance.record(version.decisions, writer);
  const row: VersionRow = {
    versionId: version.versionId,
    entity: version.entity,
    ordinal: (head?.ordinal ?? 0) + 1,
    parents: version.parents,
    depth: version.depth,
    phase: version.phase,
    branchIds: version.branchIds,
    hash: version.hash,
    promotedAt: version.promotedAt,
    doc: version.doc,
    // Worked out now, so the decisions need not be kept.
    changed: changedPaths(version, () => headDoc),
  };
  state.promoted(row, provenance.entries(), v.branchIds);
  return row;
};
