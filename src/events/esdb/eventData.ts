import type { EventData, RecordedEvent as ServerEvent } from '@eventstore/db-client';
import type { RecordedEvent } from '../eventLog';
import { fromUuid, isUlid, toUuid } from '../ids';
import type { PreparedEvent } from '../prepareAppend';
import type { EventMetadata } from '../schemas/metadata';
import { toLogPosition } from './positions';

/** The metadata as stored: EventStoreDB's own names for the correlation chain, ids as UUIDs. */
type ServerMetadata = Omit<EventMetadata, 'eventId' | 'correlationId' | 'causationId'> & {
  $correlationId: string;
  $causationId: string;
};

const UUID_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * An event as the client sends it. The event id travels as the event's UUID (the same 128 bits
 * as its ULID), so the server's idempotent append recognises a retried event; correlation and
 * causation ids go under `$correlationId` / `$causationId`, the names the server's system
 * projections (`$by_correlation_id`) read. The payload is the canonical JSON read back, a copy
 * the caller can no longer change before the client serialises it.
 */
export const toEventData = ({ event, data }: PreparedEvent): EventData => {
  const { eventId, correlationId, causationId, ...rest } = event.metadata;
  const metadata: ServerMetadata = {
    $correlationId: toUuid(correlationId),
    $causationId: toUuid(causationId),
    ...rest,
  };
  return {
    id: toUuid(eventId),
    type: event.type,
    contentType: 'application/json',
    data: JSON.parse(data) as Record<string, unknown>,
    // A Uint8Array goes out as it is: the metadata is serialised once, here.
    metadata: new TextEncoder().encode(JSON.stringify(metadata)),
  };
};

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !(value instanceof Uint8Array);

/** A UUID written by `toEventData` back to its ULID; anything else is left as it is. */
const ulidOf = (value: unknown): unknown => {
  if (typeof value !== 'string' || !UUID_PATTERN.test(value)) return value;
  const ulid = fromUuid(value);
  return isUlid(ulid) ? ulid : value;
};

/**
 * The stored metadata in Driftless's shape. Events of other writers sharing the server pass
 * through unchanged, so the schema check downstream names what is wrong with them instead of
 * this mapping failing.
 */
const toMetadata = (id: string, metadata: unknown): unknown => {
  if (!isRecord(metadata)) return metadata;
  const { $correlationId, $causationId, ...rest } = metadata;
  if ($correlationId === undefined && $causationId === undefined) return metadata;
  return {
    eventId: ulidOf(id),
    correlationId: ulidOf($correlationId),
    causationId: ulidOf($causationId),
    ...rest,
  };
};

/** A stored event back in Driftless's shape. Events were validated when written: only mapped. */
export const toRecordedEvent = (e: ServerEvent): RecordedEvent =>
  ({
    type: e.type,
    data: e.data,
    metadata: toMetadata(e.id, e.metadata),
    stream: e.streamId,
    revision: Number(e.revision),
    position: e.position === undefined ? -1 : toLogPosition(e.position),
  }) as RecordedEvent;
