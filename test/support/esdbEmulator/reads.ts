import { status, type ServerWritableStream, type ServiceError } from '@grpc/grpc-js';
import { ReadReq, ReadResp } from '@eventstore/db-client/generated/streams_pb';
import { compileFilter } from './filter';
import type { LogStore, StoredEvent } from './logStore';
import { eventResponse, serverError, streamDeleted, streamIdentifier, streamNameOf } from './wire';

export type ReadCall = ServerWritableStream<ReadReq, ReadResp>;
type Options = ReadReq.Options;

const { RevisionOptionCase } = ReadReq.Options.StreamOptions;
const { AllOptionCase } = ReadReq.Options.AllOptions;

/** Messages a call may hold unsent before the handler waits for the client's window. */
const MAX_BUFFERED = 128;

/**
 * Writes with backpressure: once the call holds `MAX_BUFFERED` unsent messages (the client is
 * not reading), waits until it drained. Waiting at every full write buffer (16 messages) would
 * make a round of the event loop per 16 events.
 */
export const send = async (call: ReadCall, message: ReadResp): Promise<void> => {
  call.write(message);
  if (call.writableLength < MAX_BUFFERED) return;
  await new Promise<void>((resolve) => {
    const done = () => {
      call.off('drain', done);
      call.off('cancelled', done);
      resolve();
    };
    call.on('drain', done);
    call.on('cancelled', done);
  });
};

const countOf = (options: Options): number => {
  const count = BigInt(options.getCount());
  return count > BigInt(Number.MAX_SAFE_INTEGER) ? Number.MAX_SAFE_INTEGER : Number(count);
};

const backwards = (options: Options) =>
  options.getReadDirection() === ReadReq.Options.ReadDirection.BACKWARDS;

/** Events of one stream read forwards or backwards from a revision, start or end. */
const streamSlice = (events: StoredEvent[], options: Options): StoredEvent[] => {
  const so = options.getStream()!;
  const last = events[events.length - 1]!.revision;
  const from =
    so.getRevisionOptionCase() === RevisionOptionCase.REVISION
      ? BigInt(so.getRevision())
      : so.getRevisionOptionCase() === RevisionOptionCase.END
        ? last + (backwards(options) ? 0n : 1n)
        : 0n;
  return backwards(options)
    ? events.filter((e) => e.revision <= from).reverse()
    : events.filter((e) => e.revision >= from);
};

/**
 * $all forwards from a position (inclusive) or backwards from it (exclusive), as the server
 * treats positions: forwards reads start at the record, backwards reads end before it.
 */
const allSlice = (store: LogStore, options: Options, count: number): StoredEvent[] => {
  const all = store.all();
  const ao = options.getAll()!;
  const position = startPosition(options);
  const at =
    position !== undefined
      ? store.indexFrom(position)
      : ao.getAllOptionCase() === AllOptionCase.END
        ? all.length
        : 0;
  if (!backwards(options)) return all.slice(at, at + count);
  return all.slice(Math.max(0, at - count), at).reverse();
};

/** The position a read of $all starts from, when it names one. */
export const startPosition = (options: Options): bigint | undefined =>
  options.hasAll() && options.getAll()!.getAllOptionCase() === AllOptionCase.POSITION
    ? BigInt(options.getAll()!.getPosition()!.getCommitPosition())
    : undefined;

/** The server's answer to a read that starts inside a record. */
export const invalidPosition = (): ServiceError =>
  serverError(status.INVALID_ARGUMENT, 'Trying to read from an invalid position.');

/** A one-off read of a stream or of $all (not a subscription). */
export const read = async (store: LogStore, call: ReadCall): Promise<void> => {
  const options = call.request.getOptions()!;
  const structured = options.getUuidOption()?.hasStructured() === true;
  let events: StoredEvent[];
  if (options.hasStream()) {
    const name = streamNameOf(options.getStream()!.getStreamIdentifier());
    const found = store.stream(name);
    if (found === 'deleted') return void call.emit('error', streamDeleted(name));
    if (found === 'none') {
      const notFound = new ReadResp.StreamNotFound().setStreamIdentifier(streamIdentifier(name));
      call.write(new ReadResp().setStreamNotFound(notFound));
      return void call.end();
    }
    events = streamSlice(found, options);
  } else {
    const start = startPosition(options);
    if (start !== undefined && !store.readablePosition(start)) {
      return void call.emit('error', invalidPosition());
    }
    const filter = compileFilter(options.hasFilter() ? options.getFilter() : undefined);
    if (options.hasFilter()) {
      events = allSlice(store, options, Number.MAX_SAFE_INTEGER).filter(filter.passes);
    } else events = allSlice(store, options, countOf(options));
  }
  for (const e of events.slice(0, countOf(options))) {
    if (call.cancelled) return;
    await send(call, eventResponse(e, structured));
  }
  call.end();
};
