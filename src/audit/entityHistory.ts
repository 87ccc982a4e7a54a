import type { EventOfType } from '../events/catalogue';
import { StreamNotFoundError, ValidationError } from '../events/errors';
import type { EventLog, RecordedEvent } from '../events/eventLog';
import type { EntityRef } from '../events/schemas/common';
import type { StreamNames } from '../events/streams';

export type Promotion = RecordedEvent & EventOfType<'VersionPromoted'>;

/** Every version of an entity, oldest first, read from its stream in the log. */
export const promotionsOf = async (
  log: EventLog,
  streams: StreamNames,
  entity: EntityRef,
): Promise<Promotion[]> => {
  try {
    const events = await log.readStream(streams.entity(entity));
    return events.filter((e): e is Promotion => e.type === 'VersionPromoted');
  } catch (error) {
    if (!(error instanceof StreamNotFoundError)) throw error;
    throw unknownEntity(entity, 'an entity with promoted versions');
  }
};

/** The error of an audit question about an entity the log does not have. */
export const unknownEntity = (entity: EntityRef, expected: string): ValidationError =>
  new ValidationError(
    [
      {
        path: '/entity',
        expected,
        received: `${entity.type}/${entity.id}`,
        message: 'no such entity in the log',
      },
    ],
    'unknown entity',
  );

/** "type/id" as an entity reference; the id may contain further slashes. */
export const parseEntityRef = (text: string): EntityRef => {
  const slash = text.indexOf('/');
  if (slash > 0 && slash < text.length - 1)
    return { type: text.slice(0, slash), id: text.slice(slash + 1) };
  throw new ValidationError([
    {
      path: '/entity',
      expected: 'type/id, e.g. invoice/INV-7',
      received: text,
      message: 'not an entity',
    },
  ]);
};

/** The actor who opened each branch, from the branch's first event (cached). */
export const branchActors = (log: EventLog, streams: StreamNames) => {
  const known = new Map<string, string>();
  return async (branchId: string): Promise<string> => {
    const cached = known.get(branchId);
    if (cached !== undefined) return cached;
    const [first] = await log
      .readStream(streams.branch(branchId), { limit: 1 })
      .catch((error: unknown) => {
        if (error instanceof StreamNotFoundError) return [];
        throw error;
      });
    const actor = first?.type === 'BranchOpened' ? first.data.actor : 'unknown';
    known.set(branchId, actor);
    return actor;
  };
};
