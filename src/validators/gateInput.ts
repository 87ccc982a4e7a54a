import type { EntityRef } from '../events/schemas/common';
import type { Op } from '../events/schemas/ops';
import type { EntityType } from '../projections/defineEntity';
import type { BranchReconciliation } from '../projections/reconcileBranch';
import type { BranchRow } from '../projections/projectionStore';

/** What the gate may ask about the rest of the world; answered from the projections. */
export interface GateLookups {
  /** The entity's head, or undefined when it was never promoted. */
  head(entity: EntityRef): { versionId: string; ordinal: number; removed: boolean } | undefined;
  /** Entities whose head references `entity`, with the referencing path. */
  referencesTo(entity: EntityRef): { from: EntityRef; path: string }[];
  /** The version at which a phase of an entity was sealed. */
  seal(entity: EntityRef, phase: string): { versionId: string; ordinal: number } | undefined;
  /** The promotion ordinal of a version. */
  ordinalOf(versionId: string): number | undefined;
}

export interface GateOptions {
  /** Most promotions a branch's base may be behind the head. @defaultValue no limit */
  maxStaleness?: number;
}

/** Everything the promotion gate checks one committed branch against. */
export interface GateInput {
  entityType: EntityType;
  branch: BranchRow;
  /** The ops of each recorded mutation, in sequence order. */
  mutations: readonly (readonly Op[])[];
  reconciliation: BranchReconciliation;
  lookups: GateLookups;
  options?: GateOptions;
}
