import { z } from 'zod';
import {
  BranchAbandoned,
  BranchCommitted,
  BranchOpened,
  MutationRecorded,
} from './schemas/branchEvents';
import {
  BranchQuarantined,
  DivergenceDetected,
  PhaseSealed,
  QuarantineReleased,
  VersionPromoted,
} from './schemas/entityEvents';
import { EventMetadata } from './schemas/metadata';

/** Every event Driftless reads or writes, by type: the data schema of each. */
export const EVENT_DATA_SCHEMAS = {
  BranchOpened,
  MutationRecorded,
  BranchCommitted,
  BranchAbandoned,
  DivergenceDetected,
  VersionPromoted,
  BranchQuarantined,
  PhaseSealed,
  QuarantineReleased,
} as const;

export type EventType = keyof typeof EVENT_DATA_SCHEMAS;
export const EVENT_TYPES = Object.keys(EVENT_DATA_SCHEMAS) as EventType[];

export const isEventType = (value: unknown): value is EventType =>
  typeof value === 'string' && Object.prototype.hasOwnProperty.call(EVENT_DATA_SCHEMAS, value);

/** The envelope schema of one event type: `{ type, data, metadata }`, nothing else. */
export const envelopeSchema = <T extends EventType>(type: T) =>
  z.strictObject({
    type: z.literal(type),
    data: EVENT_DATA_SCHEMAS[type],
    metadata: EventMetadata,
  });

export type EventData<T extends EventType> = z.infer<(typeof EVENT_DATA_SCHEMAS)[T]>;

/** One event as written: a discriminated union on `type`. */
export type DriftlessEvent = {
  [T in EventType]: { type: T; data: EventData<T>; metadata: EventMetadata };
}[EventType];

export type EventOfType<T extends EventType> = Extract<DriftlessEvent, { type: T }>;

const ENVELOPES = Object.fromEntries(EVENT_TYPES.map((t) => [t, envelopeSchema(t)])) as {
  [T in EventType]: ReturnType<typeof envelopeSchema<T>>;
};

export const envelopeFor = <T extends EventType>(type: T): ReturnType<typeof envelopeSchema<T>> =>
  ENVELOPES[type];
