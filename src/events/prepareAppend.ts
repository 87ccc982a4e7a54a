import { canonicalJson, serializeMembers } from './canonicalJson';
import type { DriftlessEvent } from './catalogue';
import { ValidationError, type ValidationIssue } from './errors';
import { envelopeIssues, summarize } from './parseEvent';
import { isValidStreamName, STREAM_NAME_PATTERN } from './streams';

/** 1 MiB: the default largest event (data plus metadata, as canonical JSON). */
export const DEFAULT_MAX_EVENT_BYTES = 1024 * 1024;

/** An event checked and serialised, ready for an adapter to store. */
export interface PreparedEvent {
  event: DriftlessEvent;
  eventId: string;
  data: string;
  metadata: string;
}

/**
 * One event checked and serialised: the walk that checks the whole event is JSON also writes
 * the canonical JSON of its data and metadata, so a valid event is walked once, then by zod.
 * The issues are exactly those of `eventIssues(raw, base)`.
 */
const checkEvent = (raw: unknown, base: string): PreparedEvent | ValidationIssue[] => {
  const { members, issues } = serializeMembers(raw, base);
  if (issues.length > 0) return issues;
  const found = envelopeIssues(raw, base);
  if (found.length > 0) return found;
  const event = raw as DriftlessEvent;
  return {
    event,
    eventId: event.metadata.eventId,
    // zod read data and metadata as own members, which the walk wrote; the fallback is for
    // the type checker (and would still refuse a value that is not JSON).
    data: members.get('data') ?? canonicalJson(event.data),
    metadata: members.get('metadata') ?? canonicalJson(event.metadata),
  };
};

/** The size of an event's data and metadata in UTF-8 when it is over `max`, else undefined. */
const bytesOver = ({ data, metadata }: PreparedEvent, max: number): number | undefined => {
  // UTF-8 needs at most 3 bytes per UTF-16 unit, so most events need no exact count.
  if ((data.length + metadata.length) * 3 <= max) return undefined;
  const bytes = Buffer.byteLength(data) + Buffer.byteLength(metadata);
  return bytes > max ? bytes : undefined;
};

/**
 * The checks every adapter runs before it writes: stream name, each event against the
 * catalogue, size, and ids unique within the batch. Throws one ValidationError naming every
 * issue (paths like `/events/2/data/ops/0/path`), so nothing is written.
 */
export const prepareAppend = (
  stream: string,
  events: readonly unknown[],
  maxEventBytes = DEFAULT_MAX_EVENT_BYTES,
): PreparedEvent[] => {
  const issues: ValidationIssue[] = [];
  if (!isValidStreamName(stream)) {
    issues.push({
      path: '/stream',
      expected: `a stream name matching ${String(STREAM_NAME_PATTERN)}`,
      received: summarize(stream),
      message: 'invalid stream name',
    });
  }
  if (!Array.isArray(events) || events.length === 0) {
    issues.push({
      path: '/events',
      expected: 'at least one event',
      received: summarize(events),
      message: 'nothing to append',
    });
    throw new ValidationError(issues, `cannot append to "${String(stream)}"`);
  }
  const seen = new Set<string>();
  const prepared = events.map((raw, i) => {
    const item = checkEvent(raw, `/events/${i}`);
    if (Array.isArray(item)) {
      issues.push(...item);
      return undefined;
    }
    const bytes = bytesOver(item, maxEventBytes);
    if (bytes !== undefined) {
      issues.push({
        path: `/events/${i}`,
        expected: `at most ${maxEventBytes} bytes`,
        received: `${bytes} bytes`,
        message: 'event too large',
      });
    }
    if (seen.has(item.eventId)) {
      issues.push({
        path: `/events/${i}/metadata/eventId`,
        expected: 'an id unique in the batch',
        received: item.eventId,
        message: 'duplicate event id',
      });
    }
    seen.add(item.eventId);
    return item;
  });
  if (issues.length > 0) throw new ValidationError(issues, `cannot append to "${String(stream)}"`);
  return prepared as PreparedEvent[];
};
