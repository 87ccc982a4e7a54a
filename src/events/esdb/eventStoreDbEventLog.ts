import {
  ANY,
  BACKWARDS,
  END,
  FORWARDS,
  NO_STREAM,
  START,
  STREAM_EXISTS,
  type AllStreamSubscription,
  type AppendExpectedRevision,
  type EventStoreDBClient,
  type ReadRevision,
} from '@eventstore/db-client';
import { LogClosedError } from '../errors';
import type { EventLog, ExpectedRevision, ReadStreamOptions, RecordedEvent } from '../eventLog';
import { DEFAULT_MAX_EVENT_BYTES, prepareAppend } from '../prepareAppend';
import { connectEventStoreDb } from './connection';
import { toLogError, type ErrorContext } from './driverErrors';
import { toEventData, toRecordedEvent } from './eventData';
import { toLogPosition } from './positions';
import { readAllFrom } from './readAll';
import { DEFAULT_RESUBSCRIBE, subscribeAll, type ResubscribePolicy } from './subscribeAll';

export interface EventStoreDbEventLogOptions {
  /**
   * `esdb://host:2113?tls=false` for an insecure node, or with TLS and credentials, e.g.
   * `esdb://admin:changeit@host:2113?tlsCAFile=/certs/ca.crt`.
   */
  connectionString: string;
  /** @defaultValue 1 MiB */
  maxEventBytes?: number;
  /** How a dropped subscription is resumed. @defaultValue 10 attempts from 100 ms to 5 s */
  resubscribe?: Partial<ResubscribePolicy>;
}

/** The port's expected revisions, exactly as the client names them. */
const toServerExpected = (expected: ExpectedRevision): AppendExpectedRevision => {
  switch (expected) {
    case 'no_stream':
      return NO_STREAM;
    case 'any':
      return ANY;
    case 'exists':
      return STREAM_EXISTS;
    default:
      return BigInt(expected);
  }
};

const readRevision = (from: ReadStreamOptions['from'], backwards: boolean): ReadRevision => {
  if (from === undefined) return backwards ? END : START;
  if (from === 'start') return START;
  if (from === 'end') return END;
  return BigInt(from);
};

const readStreamFrom = async (
  client: EventStoreDBClient,
  stream: string,
  { from, direction = 'forwards', limit }: ReadStreamOptions,
): Promise<RecordedEvent[]> => {
  if (limit !== undefined && limit <= 0) return [];
  const backwards = direction === 'backwards';
  const events: RecordedEvent[] = [];
  for await (const { event } of client.readStream(stream, {
    fromRevision: readRevision(from, backwards),
    direction: backwards ? BACKWARDS : FORWARDS,
    ...(limit === undefined ? {} : { maxCount: limit }),
  })) {
    if (event !== undefined) events.push(toRecordedEvent(event));
  }
  return events;
};

/**
 * The EventLog on EventStoreDB (KurrentDB) 23.10 or later, through @eventstore/db-client over
 * gRPC. Appends carry the expected revision the caller gave and each event's id as a UUID, so
 * the server checks the revision and recognises a retried append. readAll and subscriptions
 * filter on the server; a subscription whose connection drops resumes after the last event it
 * delivered. Driver errors are translated into the port's errors (see driverErrors.ts), and
 * positions are $all commit positions (see positions.ts).
 */
export const createEventStoreDbEventLog = (options: EventStoreDbEventLogOptions): EventLog => {
  const client = connectEventStoreDb(options.connectionString);
  const maxEventBytes = options.maxEventBytes ?? DEFAULT_MAX_EVENT_BYTES;
  const live = new Set<AllStreamSubscription>();
  let closed = false;

  const guard = async <T>(context: ErrorContext, run: () => Promise<T>): Promise<T> => {
    if (closed) throw new LogClosedError();
    try {
      return await run();
    } catch (error) {
      throw closed ? new LogClosedError() : toLogError(error, context);
    }
  };

  return {
    append: (stream, events, { expectedRevision }) =>
      guard(
        { operation: `append to "${stream}"`, stream, expected: expectedRevision },
        async () => {
          const prepared = prepareAppend(stream, events, maxEventBytes);
          const result = await client.appendToStream(stream, prepared.map(toEventData), {
            expectedRevision: toServerExpected(expectedRevision),
          });
          return {
            nextRevision: Number(result.nextExpectedRevision),
            position: result.position === undefined ? -1 : toLogPosition(result.position),
          };
        },
      ),

    readStream: (stream, readOptions = {}) =>
      guard({ operation: `read "${stream}"`, stream }, () =>
        readStreamFrom(client, stream, readOptions),
      ),

    readAll: (readOptions = {}) => {
      const from = readOptions.fromPosition;
      const position = typeof from === 'number' ? from : 0;
      return guard({ operation: 'read $all', position }, () => readAllFrom(client, readOptions));
    },

    endPosition: () =>
      guard({ operation: 'read the end of $all' }, async () => {
        let end = 0;
        for await (const { event } of client.readAll({
          fromPosition: END,
          direction: BACKWARDS,
          maxCount: 1,
        }))
          if (event?.position !== undefined) end = toLogPosition(event.position);
        return end;
      }),

    subscribe: (subscribeOptions = {}) =>
      subscribeAll(
        {
          client,
          resubscribe: { ...DEFAULT_RESUBSCRIBE, ...options.resubscribe },
          isClosed: () => closed,
          track: (subscription) => {
            live.add(subscription);
            return () => live.delete(subscription);
          },
        },
        subscribeOptions,
      ),

    close: async () => {
      if (closed) return;
      closed = true;
      for (const subscription of live) subscription.destroy();
      await client.dispose();
    },
  };
};
