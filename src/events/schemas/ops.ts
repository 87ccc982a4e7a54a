import { z } from 'zod';
import { Confidence, ElementKey, JsonPointer, JsonValue } from './common';

const opFields = {
  path: JsonPointer,
  /** How sure the writer is, 0..1; policies compare it and may discard low values. */
  confidence: Confidence.optional(),
  reason: z.string().max(2000).optional(),
};

/** The op schemas, with JSON values checked by `json` (see JsonSchemas). */
export const opSchemas = <V extends z.ZodType>(json: V) => {
  /** Put a value at a path (creating it, or replacing the whole value there). */
  const SetOp = z.strictObject({ op: z.literal('set'), value: json, ...opFields });
  /** Delete the value at a path. */
  const UnsetOp = z.strictObject({ op: z.literal('unset'), ...opFields });
  /** Insert or replace one element of a keyed array; the element carries its key. */
  const UpsertOp = z.strictObject({
    op: z.literal('upsert'),
    value: z.record(z.string(), json),
    ...opFields,
  });
  /** Remove one element of a keyed array (by key) or one member of a set (by value). */
  const RemoveOp = z.strictObject({ op: z.literal('remove'), key: ElementKey, ...opFields });
  /** Add a member to a set. */
  const AddOp = z.strictObject({ op: z.literal('add'), value: ElementKey, ...opFields });
  const Op = z.discriminatedUnion('op', [SetOp, UnsetOp, UpsertOp, RemoveOp, AddOp]);
  return { SetOp, UnsetOp, UpsertOp, RemoveOp, AddOp, Op };
};

/** The contract's ops: set, unset, upsert, remove and add. */
export const { SetOp, UnsetOp, UpsertOp, RemoveOp, AddOp, Op } = opSchemas(JsonValue);
export type Op = z.infer<typeof Op>;
