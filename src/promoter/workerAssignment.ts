import { fnv1a, type PartOf } from '../events/entityPartition';
import type { EntityRef } from '../events/schemas/common';
import { entityKey } from './trackedLookups';

/** `driftless serve --worker i/N`: this process handles the entities whose hash mod N is i. */
export type WorkerAssignment = PartOf;

export const assignedTo = (entity: EntityRef, worker: WorkerAssignment): boolean =>
  fnv1a(entityKey(entity)) % worker.count === worker.index;

/** Parses "i/N" (0 ≤ i < N); undefined when the text is not such a pair. */
export const parseWorker = (text: string): WorkerAssignment | undefined => {
  const match = /^(\d+)\/(\d+)$/.exec(text);
  if (match === null) return undefined;
  const index = Number(match[1]);
  const count = Number(match[2]);
  return count > 0 && index < count ? { index, count } : undefined;
};
