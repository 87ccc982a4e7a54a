import { canonicalJson } from '../src/events/canonicalJson';
import type { DriftlessEvent } from '../src/events/catalogue';
import { createIdGenerator } from '../src/events/ids';
import { newEvent } from '../src/events/newEvent';

const ids = createIdGenerator();

/** One append's worth of events for one branch stream. */
export interface Batch {
  stream: string;
  events: DriftlessEvent[];
}

/** A row of the SQLite events table, serialised as the adapter serialises it. */

export interface Row {
  stream: string;
  revision: number;
  eventId: string;
  type: string;
  data: string;
  metadata: string;
}

/** A MutationRecorded event as a branch writes it: a couple of set ops with small values. */
const mutation = (branchId: string, seq: number): DriftlessEvent =>
  newEvent(
    'MutationRecorded',
    {
      branchId,
      seq,
      ops: [
        { op: 'set', path: '/total', value: seq * 10 },
        { op: 'set', path: '/vendor/name', value: `Vendor ${seq % 7}`, confidence: 0.9 },
      ],
    },
    { actor: 'agent-a' },
  );

/** `size` mutations of one fresh branch, for the stream `<prefix>-<index>`. */
export const makeBatch = (prefix: string, index: number, size: number): Batch => {
  const branchId = ids();
  const stream = `${prefix}-${index}`;
  const events = Array.from({ length: size }, (_, i) => mutation(branchId, i + 1));
  return { stream, events };
};

/** The rows the SQLite adapter stores for a batch appended to a new stream. */
export const toRows = ({ stream, events }: Batch): Row[] =>
  events.map((event, revision) => ({
    stream,
    revision,
    eventId: event.metadata.eventId,
    type: event.type,
    data: canonicalJson(event.data),
    metadata: canonicalJson(event.metadata),
  }));

/** `count` batches for the streams `<prefix>-<first>` onwards. */
export const makeBatches = (prefix: string, first: number, count: number, size: number): Batch[] =>
  Array.from({ length: count }, (_, i) => makeBatch(prefix, first + i, size));
