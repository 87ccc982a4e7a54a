import { z } from 'zod';
import { Confidence, ElementKey, JsonPointer, JsonValue } from './common';

const opFields = {
  path: JsonPointer,
  /** How sure the writer is, 0..1; policies compare it and may discard low values. */
  confidence: Confidence.optional(),
  reason: z.string().max(2000).optional(),
};

/** Put a value at a path (creating it, or replacing the whole value there). */
export const SetOp = z.strictObject({ op: z.literal('set'), value: JsonValue, ...opFields });
/** Delete the value at a path. */
export const UnsetOp = z.strictObject({ op: z.literal('unset'), ...opFields });
/** Insert or replace one element of a keyed array; the element carries its key. */
export const UpsertOp = z.strictObject({
  op: z.literal('upsert'),
  value: z.record(z.string(), JsonValue),
  ...opFields,
});
/** Remove one element of a keyed array (by key) or one member of a set (by value). */
export const RemoveOp = z.strictObject({ op: z.literal('remove'), key: ElementKey, ...opFields });
/** Add a member to a set. */
export const AddOp = z.strictObject({ op: z.literal('add'), value: ElementKey, ...opFields });

export const Op = z.discriminatedUnion('op', [SetOp, UnsetOp, UpsertOp, RemoveOp, AddOp]);
export type Op = z.infer<typeof Op>;
