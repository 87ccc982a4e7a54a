import * as E from 'fp-ts/Either';
import type { DriftlessEvent } from '../events/catalogue';
import type { ValidationError } from '../events/errors';
import { versionHash } from '../events/hash';
import type { IdGenerator } from '../events/ids';
import { newEvent } from '../events/newEvent';
import type { EntityRegistry } from '../projections/defineEntity';
import { gateLookups } from '../projections/gateLookups';
import type { BranchRow, ProjectionStore } from '../projections/projectionStore';
import { reconcileBranch, type BranchReconciliation } from '../projections/reconcileBranch';
import type { Candidate } from '../reconcilers/reconcile';
import type { GateLookups, GateOptions } from '../validators/gateInput';
import { runGate } from '../validators/promotionGate';
import type { Violation } from '../validators/violation';

/** What the promoter needs to turn a committed branch into events. */
export interface PromotionContext {
  store: ProjectionStore;
  registry: EntityRegistry;
  ids: IdGenerator;
  now: () => number;
  actor: string;
  gate?: GateOptions;
}

const metaFor = (ctx: PromotionContext, branch: BranchRow) => ({
  actor: ctx.actor,
  ids: ctx.ids,
  now: ctx.now,
  ...(branch.commitEvent === null ? {} : { causedBy: { metadata: branch.commitEvent } }),
});

const promoted = (ctx: PromotionContext, r: BranchReconciliation, candidate: Candidate) => {
  const { branch } = r;
  const parents = r.parents.map((id) => ctx.store.version(id)!);
  const versionId = ctx.ids();
  const depth = parents.length === 0 ? 0 : Math.max(...parents.map((p) => p.depth)) + 1;
  const promotedAt = new Date(ctx.now()).toISOString();
  const data = {
    versionId,
    entity: branch.entity,
    parents: r.parents,
    depth,
    phase: branch.phase,
    branchIds: [branch.branchId],
    promotedAt,
    hash: versionHash({
      versionId,
      entity: branch.entity,
      depth,
      phase: branch.phase,
      branchIds: [branch.branchId],
      promotedAt,
      doc: candidate.doc,
      parentHashes: parents.map((p) => p.hash),
    }),
    doc: candidate.doc,
    decisions: candidate.decisions,
  };
  return newEvent('VersionPromoted', data, metaFor(ctx, branch));
};

const quarantined = (
  ctx: PromotionContext,
  branch: BranchRow,
  violations: Violation[],
  candidate?: Candidate,
) => {
  const data = {
    branchId: branch.branchId,
    entity: branch.entity,
    violations,
    ...(candidate === undefined
      ? {}
      : { candidate: candidate.doc, decisions: candidate.decisions }),
  };
  return newEvent('BranchQuarantined', data, metaFor(ctx, branch));
};

/**
 * The quarantine recorded instead of an outcome the log refused (over its event size limit,
 * say): why, and the codes the gate had found, without candidate or decisions, so that it fits.
 */
export const unrecordable = (
  ctx: PromotionContext,
  branch: BranchRow,
  refused: DriftlessEvent,
  error: ValidationError,
): DriftlessEvent => {
  const why = error.issues
    .map((i) => `${i.message} (expected ${i.expected}, received ${i.received})`)
    .join('; ');
  const found =
    refused.type === 'BranchQuarantined'
      ? `; the gate had found ${[...new Set(refused.data.violations.map((v) => v.code))].join(', ')}`
      : '';
  const message = `the log refused its ${refused.type}: ${why}${found}; recorded without candidate and decisions`;
  return quarantined(ctx, branch, [{ code: 'SCHEMA_INVALID', path: '', message }]);
};

/**
 * The events that settle one committed branch: a DivergenceDetected when the head moved since
 * its base, then either VersionPromoted (the gate passed) or BranchQuarantined (with every
 * violation and the candidate). A branch that cannot be reconciled at all is quarantined too.
 */
export const promotionEvents = (
  ctx: PromotionContext,
  branch: BranchRow,
  lookups: GateLookups = gateLookups(ctx.store, ctx.registry),
): DriftlessEvent[] => {
  const reconciliation = reconcileBranch(ctx.store, ctx.registry, branch.branchId);
  if (E.isLeft(reconciliation))
    return [
      quarantined(ctx, branch, [
        { code: 'SCHEMA_INVALID', path: '', message: reconciliation.left },
      ]),
    ];
  const r = reconciliation.right;
  const divergence =
    r.divergence.kind === 'diverged'
      ? [newEvent('DivergenceDetected', r.divergence.event, metaFor(ctx, branch))]
      : [];
  const verdict = runGate({
    entityType: r.entityType,
    branch,
    mutations: ctx.store.branchOps(branch.branchId),
    reconciliation: r,
    lookups,
    ...(ctx.gate === undefined ? {} : { options: ctx.gate }),
  });
  const outcome = E.isRight(verdict)
    ? promoted(ctx, r, verdict.right)
    : quarantined(ctx, branch, verdict.left.violations, verdict.left.candidate);
  return [...divergence, outcome];
};
