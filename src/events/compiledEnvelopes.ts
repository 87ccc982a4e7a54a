import { z } from 'zod';
import { EVENT_DATA_SCHEMAS, EVENT_TYPES, type EventType } from './catalogue';
import { mutationRecorded } from './schemas/branchEvents';
import { jsonEntityEvents } from './schemas/entityEvents';
import { EventMetadata } from './schemas/metadata';
import { opSchemas } from './schemas/ops';

/**
 * For a value the canonical JSON walk accepted (plain objects, finite numbers, no undefined,
 * cycles or prototype keys): whether `z.json()` surely accepts it too. The walk reads only
 * enumerable string keys, zod's record also symbol keys, which it rejects; objects with
 * symbol or hidden (non-enumerable) keys are left to `z.json()` itself.
 */
const zodJsonAccepts = (value: unknown): boolean => {
  if (typeof value !== 'object' || value === null) return true;
  if (Array.isArray(value)) return value.every(zodJsonAccepts);
  return (
    Object.getOwnPropertySymbols(value).length === 0 &&
    Object.getOwnPropertyNames(value).length === Object.keys(value).length &&
    Object.values(value).every(zodJsonAccepts)
  );
};

/**
 * Stands in for `z.json()` where the value has already passed the canonical JSON walk. zod
 * cannot compile `z.json()` (it is recursive), and the interpreted schemas were most of an
 * append's validation time.
 */
const WalkedJson = z.custom<unknown>(zodJsonAccepts);

const walkedEntityEvents = jsonEntityEvents({
  value: WalkedJson,
  object: z.record(z.string(), WalkedJson),
});

/** The catalogue's data schemas, with the stand-in wherever they embed JSON. */
const walkedData = {
  ...EVENT_DATA_SCHEMAS,
  MutationRecorded: mutationRecorded(opSchemas(WalkedJson).Op),
  VersionPromoted: walkedEntityEvents.VersionPromoted,
  BranchQuarantined: walkedEntityEvents.BranchQuarantined,
};

/** The same envelope as `envelopeSchema`, over the stand-in data schemas, compiled. */
const compiledEnvelope = (type: EventType, strict: boolean): z.ZodType =>
  z.compile(
    z.strictObject({ type: z.literal(type), data: walkedData[type], metadata: EventMetadata }),
    { strict },
  );

const COMPILED = new Map(EVENT_TYPES.map((type) => [type, compiledEnvelope(type, false)]));

/**
 * Whether an event whose every part has passed the canonical JSON walk (`jsonIssues` finds
 * nothing) is a valid envelope of `type`. True only when `envelopeFor(type)` accepts it too;
 * false means "ask `envelopeFor(type)`", which names the issues.
 */
export const isValidWalkedEnvelope = (type: EventType, raw: unknown): boolean =>
  COMPILED.get(type)!.validate(raw);

/**
 * Throws unless zod compiles the envelope of `type`: a schema it cannot compile (say, a new
 * field using `z.json()` directly) would silently fall back to the slow interpreted path.
 */
export const assertEnvelopeCompiles = (type: EventType): void => {
  compiledEnvelope(type, true);
};
