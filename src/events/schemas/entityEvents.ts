import { z } from 'zod';
import {
  Actor,
  Confidence,
  EntityRef,
  IsoTime,
  JsonObject,
  JsonPointer,
  JsonValue,
  Phase,
  Sha256,
  Ulid,
} from './common';

export const VIOLATION_CODES = [
  'SCHEMA_INVALID',
  'DANGLING_REFERENCE',
  'ORPHANED_LINK',
  'PARTIAL_WRITE',
  'PHASE_VIOLATION',
  'STALE_BASE',
  'UNRESOLVED_CONFLICT',
] as const;

/** One failed gate check. */
export const Violation = z.strictObject({
  code: z.enum(VIOLATION_CODES),
  path: JsonPointer,
  message: z.string().min(1),
});

/** One reconciled path; an absent value means "nothing at this path". */
export const Decision = z.strictObject({
  path: JsonPointer,
  base: JsonValue.optional(),
  ours: JsonValue.optional(),
  theirs: JsonValue.optional(),
  chosen: JsonValue.optional(),
  rule: z.string().min(1),
  confidence: Confidence.optional(),
  branchIds: z.array(Ulid),
});
export type Decision = z.infer<typeof Decision>;

export const DivergenceDetected = z.strictObject({
  branchId: Ulid,
  entity: EntityRef,
  baseVersionId: Ulid.nullable(),
  headVersionId: Ulid,
  /** Promotions between the base and the head. */
  staleness: z.number().int().min(1),
  /** Paths both the branch and the versions since its base changed. */
  overlap: z.array(JsonPointer),
});

/** An immutable snapshot became the entity's head. Written by the promoter only. */
export const VersionPromoted = z.strictObject({
  versionId: Ulid,
  entity: EntityRef,
  parents: z.array(Ulid),
  depth: z.number().int().min(0),
  phase: Phase,
  branchIds: z.array(Ulid),
  promotedAt: IsoTime,
  hash: Sha256,
  doc: JsonObject,
  decisions: z.array(Decision),
});

export const BranchQuarantined = z.strictObject({
  branchId: Ulid,
  entity: EntityRef,
  violations: z.array(Violation).min(1),
  candidate: JsonObject.optional(),
  decisions: z.array(Decision).optional(),
});

export const PhaseSealed = z.strictObject({ entity: EntityRef, phase: Phase, versionId: Ulid });

export const QuarantineReleased = z.strictObject({
  branchId: Ulid,
  entity: EntityRef,
  by: Actor,
  reason: z.string().min(1).max(2000),
});
