import {
  START,
  type AllStreamResolvedEvent,
  type EventStoreDBClient,
  type ReadPosition,
} from '@eventstore/db-client';
import type { ReadAllOptions, RecordedEvent } from '../eventLog';
import { isInvalidPosition } from './driverErrors';
import { toRecordedEvent } from './eventData';
import { toServerPosition } from './positions';
import { toServerFilter, type ServerFilter } from './serverFilter';

/**
 * Events after `after` that pass the filter, at most `limit`, read by a catch-up subscription
 * filtered on the server (the client reads $all unfiltered only). It ends when `limit` events
 * arrived, or when the server says it caught up (EventStoreDB 23.10 and later) and every event
 * sent before that message was taken.
 */
const collectAfter = (
  client: EventStoreDBClient,
  after: ReadPosition,
  server: ServerFilter,
  limit: number,
): Promise<RecordedEvent[]> =>
  new Promise<RecordedEvent[]>((resolve, reject) => {
    const found: RecordedEvent[] = [];
    const subscription = client.subscribeToAll(
      { fromPosition: after, filter: server.filter },
      { highWaterMark: Math.min(limit, 1000) },
    );
    let caughtUp = false;
    let done = false;
    const finish = (error?: Error) => {
      if (done) return;
      done = true;
      subscription.removeAllListeners('data');
      void subscription.unsubscribe();
      if (error === undefined) resolve(found);
      else reject(error);
    };
    // Events the server sent before "caught up" may still wait in the stream's buffer.
    const drained = () => caughtUp && subscription.readableLength === 0;
    subscription.on('data', ({ event }: AllStreamResolvedEvent) => {
      if (event !== undefined && server.passes(event)) found.push(toRecordedEvent(event));
      if (found.length >= limit || drained()) finish();
    });
    subscription.once('caughtUp', () => {
      caughtUp = true;
      if (drained()) finish();
    });
    subscription.once('error', finish);
    subscription.once('close', () => finish());
  });

/**
 * The event at a position, whatever it is, or undefined at the end of the log. The read is
 * taken to its end: a call left unread never finishes, and the client waits for it on dispose.
 */
const eventAt = async (client: EventStoreDBClient, position: number) => {
  let found: AllStreamResolvedEvent['event'];
  for await (const { event } of client.readAll({
    fromPosition: toServerPosition(position),
    maxCount: 1,
  })) {
    found ??= event;
  }
  return found;
};

/**
 * readAll from an inclusive position. The server reads $all only from a record's first byte,
 * while callers pass either an event's position or one past it (`last.position + 1`, the way
 * to read on from a page): both work. "One past p" is read as "after p", in one call; when
 * `fromPosition - 1` is no record (the server says the position is invalid), `fromPosition`
 * is an event's own position: that event, then the events after it.
 */
export const readAllFrom = async (
  client: EventStoreDBClient,
  { fromPosition = 'start', limit = 1000, filter }: ReadAllOptions,
): Promise<RecordedEvent[]> => {
  if (limit <= 0) return [];
  const server = toServerFilter(filter);
  if (fromPosition === 'start' || fromPosition <= 0) {
    return collectAfter(client, START, server, limit);
  }
  try {
    return await collectAfter(client, toServerPosition(fromPosition - 1), server, limit);
  } catch (error) {
    if (!isInvalidPosition(error)) throw error;
  }
  const first = await eventAt(client, fromPosition);
  if (first?.position === undefined) return [];
  const head = server.passes(first) ? [toRecordedEvent(first)] : [];
  if (head.length >= limit) return head;
  const rest = await collectAfter(client, first.position, server, limit - head.length);
  return [...head, ...rest];
};
