import type { EventData, EventOfType, EventType } from './catalogue';
import { createIdGenerator, type IdGenerator } from './ids';
import { SCHEMA_VERSION } from './schemas/metadata';

export interface NewEventOptions {
  actor: string;
  /** The event this one answers; its correlation id is carried on. */
  causedBy?: { metadata: { eventId: string; correlationId: string } };
  ids?: IdGenerator;
  /** @defaultValue Date.now */
  now?: () => number;
}

const defaultIds = createIdGenerator();

/** An event with fresh metadata: a new id, the time, the actor, and its correlation chain. */
export const newEvent = <T extends EventType>(
  type: T,
  data: EventData<T>,
  options: NewEventOptions,
): EventOfType<T> => {
  const eventId = (options.ids ?? defaultIds)();
  const cause = options.causedBy?.metadata;
  return {
    type,
    data,
    metadata: {
      eventId,
      correlationId: cause?.correlationId ?? eventId,
      causationId: cause?.eventId ?? eventId,
      actor: options.actor,
      schemaVersion: SCHEMA_VERSION,
      recordedAt: new Date((options.now ?? Date.now)()).toISOString(),
    },
  } as EventOfType<T>;
};
