import { z } from 'zod';
import { Actor, IsoTime, Ulid } from './common';

/** Carried by every event. The root of a chain is its own correlation and causation. */
export const EventMetadata = z.strictObject({
  eventId: Ulid,
  correlationId: Ulid,
  causationId: Ulid,
  actor: Actor,
  schemaVersion: z.number().int().min(1),
  recordedAt: IsoTime,
});
export type EventMetadata = z.infer<typeof EventMetadata>;

export const SCHEMA_VERSION = 1;
