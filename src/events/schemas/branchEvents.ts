import { z } from 'zod';
import { Actor, EntityRef, IsoTime, Phase, Sha256, Ulid } from './common';
import { Op } from './ops';

/** A branch starts: one writer, one entity, one concrete base version (null for a new entity). */
export const BranchOpened = z.strictObject({
  branchId: Ulid,
  entity: EntityRef,
  baseVersionId: Ulid.nullable(),
  phase: Phase,
  actor: Actor,
  deadline: IsoTime.optional(),
});

/** MutationRecorded with its ops checked by `op` (see JsonSchemas). */
export const mutationRecorded = <O extends z.ZodType>(op: O) =>
  z.strictObject({
    branchId: Ulid,
    seq: z.number().int().min(1),
    ops: z.array(op).min(1).max(10_000),
  });

/** One step of a branch's work; `seq` counts from 1 with no gaps. */
export const MutationRecorded = mutationRecorded(Op);

/** The branch is done; count and digest let the gate detect a partial write. */
export const BranchCommitted = z.strictObject({
  branchId: Ulid,
  mutationCount: z.number().int().min(0),
  digest: Sha256,
});

/** The branch ended without a result (given up, crashed, or expired as seen by the promoter). */
export const BranchAbandoned = z.strictObject({
  branchId: Ulid,
  reason: z.string().min(1).max(2000),
});
