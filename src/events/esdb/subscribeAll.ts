import { setTimeout as sleep } from 'node:timers/promises';
import { START, type AllStreamSubscription, type EventStoreDBClient } from '@eventstore/db-client';
import { LogUnavailableError } from '../errors';
import type { RecordedEvent, SubscribeOptions } from '../eventLog';
import { toLogError } from './driverErrors';
import { toRecordedEvent } from './eventData';
import { toServerPosition } from './positions';
import { toServerFilter } from './serverFilter';

/** How a dropped subscription is resumed: attempts in a row, with exponential backoff. */
export interface ResubscribePolicy {
  /** Failed attempts in a row before the subscription gives up. @defaultValue 10 */
  retries: number;
  /** @defaultValue 100 */
  initialDelayMs: number;
  /** @defaultValue 5000 */
  maxDelayMs: number;
}

export const DEFAULT_RESUBSCRIBE: ResubscribePolicy = {
  retries: 10,
  initialDelayMs: 100,
  maxDelayMs: 5000,
};

/** What the subscription needs from the log that owns it. */
export interface SubscriptionHost {
  client: EventStoreDBClient;
  resubscribe: ResubscribePolicy;
  isClosed(): boolean;
  /** Registers a live subscription so closing the log ends it; returns the unregister. */
  track(subscription: AllStreamSubscription): () => void;
}

/**
 * A catch-up subscription to $all, filtered by the server. When the connection drops it
 * subscribes again after the last event delivered, so nothing is lost and nothing repeats.
 * Server checkpoints are not used to move on: one can arrive while events before it still sit
 * in the client's buffer, undelivered.
 */
export async function* subscribeAll(
  host: SubscriptionHost,
  { fromCheckpoint, filter, pageSize = 1000, signal }: SubscribeOptions,
): AsyncGenerator<RecordedEvent> {
  const server = toServerFilter(filter);
  let checkpoint = fromCheckpoint ?? 0;
  let failures = 0;
  const stopped = () => host.isClosed() || signal?.aborted === true;
  // After a failure: wait longer each time in a row, and give up after `retries`.
  const backoff = async (failure: unknown) => {
    if (!(failure instanceof LogUnavailableError) || ++failures > host.resubscribe.retries) {
      throw failure;
    }
    const { initialDelayMs, maxDelayMs } = host.resubscribe;
    await sleep(Math.min(maxDelayMs, initialDelayMs * 2 ** (failures - 1)), undefined, {
      signal,
    }).catch(() => undefined); // aborted: the loop ends
  };
  while (!stopped()) {
    const subscription = host.client.subscribeToAll(
      {
        fromPosition: checkpoint === 0 ? START : toServerPosition(checkpoint),
        filter: server.filter,
      },
      // Bounds what waits in memory for a slow consumer: the stream stops reading from the
      // connection when this many events wait, and gRPC flow control then holds the server.
      { highWaterMark: pageSize },
    );
    const end = () => subscription.destroy();
    signal?.addEventListener('abort', end, { once: true });
    const untrack = host.track(subscription);
    subscription.once('confirmation', () => (failures = 0));
    let failure: unknown = new LogUnavailableError('subscribe to $all: the server ended it');
    try {
      for await (const { event } of subscription) {
        if (event === undefined || !server.passes(event)) continue;
        const recorded = toRecordedEvent(event);
        yield recorded;
        checkpoint = recorded.position;
        if (stopped()) return;
      }
    } catch (error) {
      failure = toLogError(error, { operation: 'subscribe to $all', position: checkpoint });
    } finally {
      signal?.removeEventListener('abort', end);
      untrack();
      void subscription.unsubscribe();
    }
    if (!stopped()) await backoff(failure);
  }
}
