import { canonicalJson } from './canonicalJson';
import type { DriftlessEvent } from './catalogue';
import { ValidationError, type ValidationIssue } from './errors';
import { eventIssues, summarize } from './parseEvent';
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
    const found = eventIssues(raw, `/events/${i}`);
    if (found.length > 0) {
      issues.push(...found);
      return undefined;
    }
    const event = raw as DriftlessEvent;
    const item = {
      event,
      eventId: event.metadata.eventId,
      data: canonicalJson(event.data),
      metadata: canonicalJson(event.metadata),
    };
    const bytes = Buffer.byteLength(item.data) + Buffer.byteLength(item.metadata);
    if (bytes > maxEventBytes) {
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
