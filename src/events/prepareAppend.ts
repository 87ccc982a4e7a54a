import { serializeChecked } from './canonicalJson';
import type { DriftlessEvent } from './catalogue';
import { ValidationError, type ValidationIssue } from './errors';
import { envelopeIssues, eventIssues, summarize } from './parseEvent';
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

const part = (raw: object, key: 'data' | 'metadata', base: string) =>
  Object.prototype.hasOwnProperty.call(raw, key)
    ? serializeChecked((raw as Record<string, unknown>)[key], `${base}/${key}`)
    : { json: '', issues: [] };

/**
 * One event checked and serialised. The canonical JSON of data and metadata is produced by
 * the same walk that checks they are JSON, so a valid event is walked once, then by zod.
 */
const checkEvent = (raw: unknown, base: string): PreparedEvent | ValidationIssue[] => {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) return eventIssues(raw, base);
  const data = part(raw, 'data', base);
  const metadata = part(raw, 'metadata', base);
  const notJson = [...data.issues, ...metadata.issues];
  if (notJson.length > 0) return notJson;
  const found = envelopeIssues(raw, base);
  if (found.length > 0) return found;
  const event = raw as DriftlessEvent;
  return { event, eventId: event.metadata.eventId, data: data.json, metadata: metadata.json };
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
