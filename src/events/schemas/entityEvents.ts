import { z } from 'zod';
import {
  Actor,
  Confidence,
  EntityRef,
  IsoTime,
  JSON_SCHEMAS,
  JsonPointer,
  Phase,
  Sha256,
  Ulid,
  type JsonSchemas,
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

/** The schemas that embed JSON documents, with those checked by `json` (see JsonSchemas). */
export const jsonEntityEvents = <V extends z.ZodType, O extends z.ZodType>(
  json: JsonSchemas<V, O>,
) => {
  /** One reconciled path; an absent value means "nothing at this path". */
  const Decision = z.strictObject({
    path: JsonPointer,
    base: json.value.optional(),
    ours: json.value.optional(),
    theirs: json.value.optional(),
    chosen: json.value.optional(),
    rule: z.string().min(1),
    confidence: Confidence.optional(),
    branchIds: z.array(Ulid),
  });
  /** An immutable snapshot became the entity's head. Written by the promoter only. */
  const VersionPromoted = z.strictObject({
    versionId: Ulid,
    entity: EntityRef,
    parents: z.array(Ulid),
    depth: z.number().int().min(0),
    phase: Phase,
    branchIds: z.array(Ulid),
    promotedAt: IsoTime,
    hash: Sha256,
    doc: json.object,
    decisions: z.array(Decision),
  });
  const BranchQuarantined = z.strictObject({
    branchId: Ulid,
    entity: EntityRef,
    violations: z.array(Violation).min(1),
    candidate: json.object.optional(),
    decisions: z.array(Decision).optional(),
  });
  return { Decision, VersionPromoted, BranchQuarantined };
};

/** The contract's Decision, VersionPromoted and BranchQuarantined. */
export const { Decision, VersionPromoted, BranchQuarantined } = jsonEntityEvents(JSON_SCHEMAS);
export type Decision = z.infer<typeof Decision>;

export const PhaseSealed = z.strictObject({ entity: EntityRef, phase: Phase, versionId: Ulid });

/** An operator's choice at a path left in conflict: keep the head's value or take the branch's. */
export const Take = z.strictObject({ path: JsonPointer, side: z.enum(['head', 'branch']) });
export type Take = z.infer<typeof Take>;

export const QuarantineReleased = z.strictObject({
  branchId: Ulid,
  entity: EntityRef,
  by: Actor,
  reason: z.string().min(1).max(2000),
  /** Conflicts the operator settled: the next attempt decides these paths by rule `operator:<side>`. */
  take: z.array(Take).min(1).max(1000).optional(),
});
