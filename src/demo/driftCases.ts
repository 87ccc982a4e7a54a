import type { EntityRef } from '../events/schemas/common';
import { parsePointer } from '../events/jsonPointer';
import type { ProjectionStore } from '../projections/projectionStore';
import { createHeadProvenance } from '../reconcilers/headProvenance';
import { isObject, jsonEqual, own, type Json } from '../reconcilers/json';

export const DRIFT_KINDS = [
  'stale-duplicate',
  'late-stale-summary',
  'removed-vendor-reference',
  'crashed-partial-write',
  'outdated-line-merge',
  'low-confidence-overwrite',
] as const;
export type DriftKind = (typeof DRIFT_KINDS)[number];

/**
 * One injected failure, the scenario's ground truth: the branch whose write would be drift,
 * and the value it would leave at a path. `also` names a second branch of the same case
 * (a removal racing a reference): the case is caught if either is stopped.
 */
export interface DriftCase {
  kind: DriftKind;
  entity: EntityRef;
  branchId: string;
  path: string;
  value: Json | undefined;
  also?: string;
}

export interface DriftOutcome {
  total: number;
  caught: number;
  /** Caught by a named rule: the drifting value was kept out of the head. */
  resolved: number;
  /** Caught by the gate: the drifting branch is in quarantine (or was abandoned). */
  quarantined: number;
  slipped: number;
  byKind: Record<string, { total: number; caught: number }>;
}

const valueAt = (doc: Json | undefined, path: string): Json | undefined =>
  (parsePointer(path) ?? []).reduce<Json | undefined>(
    (v, k) =>
      isObject(v)
        ? own(v, k)
        : Array.isArray(v)
          ? v.find((e) => isObject(e) && own(e, 'sku') === k)
          : undefined,
    doc,
  );

const stopped = (store: ProjectionStore, branchId: string | undefined) => {
  const status = branchId === undefined ? undefined : store.branch(branchId)?.status;
  return status === 'quarantined' || status === 'abandoned';
};

/**
 * Whether the drifting branch's value is what the head holds at the path, written by that
 * branch: an honest branch that happened to produce the same value is not drift.
 */
const landed = (store: ProjectionStore, c: DriftCase): boolean => {
  const head = store.head(c.entity);
  if (head === undefined) return false;
  const doc = store.version(head.versionId)?.doc;
  const nobody = { branchIds: [], phase: '', actor: '' };
  const writer = createHeadProvenance(nobody, head.provenance).by(parsePointer(c.path) ?? []);
  return jsonEqual(valueAt(doc, c.path), c.value) && writer.branchIds.includes(c.branchId);
};

/** Checks every injected case against the final projections. */
export const evaluateDrift = (
  store: ProjectionStore,
  cases: readonly DriftCase[],
): DriftOutcome => {
  const out: DriftOutcome = {
    total: cases.length,
    caught: 0,
    resolved: 0,
    quarantined: 0,
    slipped: 0,
    byKind: {},
  };
  for (const c of cases) {
    const kind = (out.byKind[c.kind] ??= { total: 0, caught: 0 });
    kind.total += 1;
    const verdict =
      stopped(store, c.branchId) || stopped(store, c.also)
        ? 'quarantined'
        : c.also === undefined && !landed(store, c)
          ? 'resolved'
          : 'slipped';
    if (verdict === 'slipped') out.slipped += 1;
    else {
      out[verdict] += 1;
      out.caught += 1;
      kind.caught += 1;
    }
  }
  return out;
};
