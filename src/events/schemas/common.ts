import { z } from 'zod';
import { ULID_PATTERN } from '../ids';

export const Ulid = z.string().regex(ULID_PATTERN, 'a ULID (26 Crockford base32 characters)');

/** Entity types contain no "-" so that stream names split unambiguously. */
export const EntityType = z.string().regex(/^[a-z][a-zA-Z0-9]{0,63}$/, 'an entity type like "invoice"');

export const EntityId = z
  .string()
  .regex(/^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$/, 'an entity id like "INV-42"');

export const EntityRef = z.strictObject({ type: EntityType, id: EntityId });
export type EntityRef = z.infer<typeof EntityRef>;

export const Phase = z.string().regex(/^[a-z][a-zA-Z0-9_-]{0,63}$/, 'a phase name like "enrichment"');

export const Actor = z.string().min(1).max(200);

export const IsoTime = z.iso.datetime({ offset: true });

export const JsonPointer = z
  .string()
  .regex(/^(\/([^~/]|~[01])*)*$/, 'a JSON pointer like "/vendor/name"')
  .max(1024);

export const Sha256 = z.string().regex(/^[0-9a-f]{64}$/, 'a lowercase hex sha256');

export const Confidence = z.number().min(0).max(1);

export const JsonValue = z.json();

export const JsonObject = z.record(z.string(), z.json());

/**
 * How the schemas that embed JSON documents check them. The contract uses {@link JSON_SCHEMAS}
 * (zod's recursive `z.json()`); the append path builds a copy of those schemas with a stand-in
 * that relies on its own JSON walk, so that zod can compile them (see `compiledEnvelopes.ts`).
 */
export interface JsonSchemas<V extends z.ZodType = z.ZodType, O extends z.ZodType = z.ZodType> {
  /** Any JSON value. */
  value: V;
  /** A JSON object. */
  object: O;
}

/** The contract's JSON checks. */
export const JSON_SCHEMAS = { value: JsonValue, object: JsonObject };

/** A scalar that identifies an element of a keyed array or a member of a set. */
export const ElementKey = z.union([z.string(), z.number(), z.boolean()]);
