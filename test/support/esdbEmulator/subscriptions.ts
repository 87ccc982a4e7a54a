import { randomUUID } from 'node:crypto';
import { ReadReq, ReadResp } from '@eventstore/db-client/generated/streams_pb';
import { compileFilter, type CompiledFilter } from './filter';
import type { LogStore, StoredEvent } from './logStore';
import { invalidPosition, send, startPosition, type ReadCall } from './reads';
import { eventResponse, streamDeleted, streamNameOf } from './wire';

const { RevisionOptionCase } = ReadReq.Options.StreamOptions;
const { AllOptionCase } = ReadReq.Options.AllOptions;

/** What the emulator counts, for tests that look at the server side of a subscription. */
export interface SubscriptionStats {
  /** Events written to subscription calls (a write the client's window had room for). */
  eventsSent: number;
}

/** Where a subscription stands: what it reads, and the first event it has not yet seen. */
interface Source {
  /** Every event the subscription may see, in order; 'deleted' ends it with an error. */
  events(): readonly StoredEvent[] | 'deleted';
  /** Index in `events()` to start looking from. */
  firstIndex: number;
  /** Whether an event comes after the subscription's starting point (exclusive). */
  after(e: StoredEvent): boolean;
  name: string;
}

const allSource = (store: LogStore, options: ReadReq.Options): Source => {
  const position = startPosition(options);
  const edge = options.getAll()!.getAllOptionCase();
  // A subscription starts after its position: the event at the position was already seen.
  const firstIndex =
    position !== undefined
      ? store.indexFrom(position + 1n)
      : edge === AllOptionCase.END
        ? store.all().length
        : 0;
  return { name: '$all', events: () => store.all(), firstIndex, after: () => true };
};

const streamSource = (store: LogStore, options: ReadReq.Options): Source => {
  const so = options.getStream()!;
  const name = streamNameOf(so.getStreamIdentifier());
  const visible = () => {
    const found = store.stream(name);
    return found === 'none' ? [] : found;
  };
  const current = visible();
  const from =
    so.getRevisionOptionCase() === RevisionOptionCase.REVISION
      ? BigInt(so.getRevision())
      : so.getRevisionOptionCase() === RevisionOptionCase.END && current !== 'deleted'
        ? (current.at(-1)?.revision ?? -1n)
        : -1n;
  // Stream reads can hide old events ($maxCount), which shifts indexes: go by revision.
  return { name, events: visible, firstIndex: 0, after: (e) => e.revision > from };
};

const checkpoint = (e: StoredEvent) =>
  new ReadResp().setCheckpoint(
    new ReadResp.Checkpoint()
      .setCommitPosition(e.position.toString())
      .setPreparePosition(e.position.toString()),
  );

/**
 * A catch-up subscription: confirmation, then every event after the starting point, a
 * checkpoint every `checkpointInterval` events considered (filtered $all only), one caught-up
 * message when it first reaches the end, then live events as they are appended. Writes wait
 * for the client's flow-control window, so a slow consumer holds the server back.
 */
export const subscribe = async (
  store: LogStore,
  call: ReadCall,
  stats: SubscriptionStats,
): Promise<void> => {
  const options = call.request.getOptions()!;
  const start = startPosition(options);
  if (start !== undefined && !store.readablePosition(start)) {
    return void call.emit('error', invalidPosition());
  }
  const structured = options.getUuidOption()?.hasStructured() === true;
  const source = options.hasAll() ? allSource(store, options) : streamSource(store, options);
  const filter: CompiledFilter = compileFilter(
    options.hasFilter() && options.hasAll() ? options.getFilter() : undefined,
  );
  const confirmation = new ReadResp.SubscriptionConfirmation().setSubscriptionId(randomUUID());
  await send(call, new ReadResp().setConfirmation(confirmation));
  let next = source.firstIndex;
  let considered = 0;
  let caughtUp = false;
  while (!call.cancelled) {
    const waiting = store.nextAppend(); // registered before reading, so no append slips by
    const events = source.events();
    if (events === 'deleted') {
      waiting.stop();
      return void call.emit('error', streamDeleted(source.name));
    }
    while (next < events.length && !call.cancelled) {
      const e = events[next++]!;
      if (!source.after(e)) continue;
      if (filter.passes(e)) {
        await send(call, eventResponse(e, structured));
        stats.eventsSent += 1;
      }
      if (++considered % filter.checkpointInterval === 0) await send(call, checkpoint(e));
    }
    if (!caughtUp) await send(call, new ReadResp().setCaughtUp(new ReadResp.CaughtUp()));
    caughtUp = true;
    if (call.cancelled) return waiting.stop();
    call.once('cancelled', waiting.stop);
    await waiting.promise;
    call.off('cancelled', waiting.stop);
  }
};
