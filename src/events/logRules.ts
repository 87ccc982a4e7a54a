import { openedOn } from './entityPartition';
import { VersionConflictError } from './errors';
import type { EventFilter, ExpectedRevision } from './eventLog';

/**
 * Throws VersionConflictError unless a stream whose last revision is `current` (undefined for
 * no stream) satisfies `expected`.
 */
export const checkExpectedRevision = (
  stream: string,
  expected: ExpectedRevision,
  current: number | undefined,
): void => {
  const ok =
    expected === 'any' ||
    (expected === 'no_stream' && current === undefined) ||
    (expected === 'exists' && current !== undefined) ||
    (typeof expected === 'number' && current === expected);
  if (!ok) throw new VersionConflictError(stream, expected, current ?? 'no_stream');
};

export const matchesFilter = (
  stream: string,
  type: string,
  data: unknown,
  filter: EventFilter | undefined,
): boolean =>
  filter === undefined ||
  ((filter.streamPrefixes === undefined ||
    filter.streamPrefixes.some((p) => stream.startsWith(p))) &&
    (filter.eventTypes === undefined || (filter.eventTypes as readonly string[]).includes(type)) &&
    (filter.partition === undefined || filter.partition.accepts(stream, openedOn(type, data))));

/** Where an earlier append of the same event ids ended. */
export interface StoredEventRef {
  stream: string;
  revision: number;
  position: number;
}

/**
 * The result an earlier append returned, when every event id in the batch is already stored in
 * this stream; undefined when none is. A batch that only partly repeats an earlier one is a
 * conflict: it cannot be both the same append and a new one.
 */
export const idempotentResult = (
  stream: string,
  expected: ExpectedRevision,
  stored: readonly (StoredEventRef | undefined)[],
  current: number | undefined,
): { nextRevision: number; position: number } | undefined => {
  const found = stored.filter((s): s is StoredEventRef => s !== undefined);
  if (found.length === 0) return undefined;
  if (found.length !== stored.length || found.some((s) => s.stream !== stream)) {
    throw new VersionConflictError(stream, expected, current ?? 'no_stream');
  }
  const last = found.reduce((a, b) => (b.position > a.position ? b : a));
  return { nextRevision: last.revision, position: last.position };
};
