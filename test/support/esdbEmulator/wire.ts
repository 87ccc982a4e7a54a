import { Metadata, status, type ServiceError } from '@grpc/grpc-js';
import { StreamIdentifier, UUID } from '@eventstore/db-client/generated/shared_pb';
import { ReadResp } from '@eventstore/db-client/generated/streams_pb';
import type { Expected, StoredEvent } from './logStore';

/**
 * Faults a test injects into writes, one decision per write: `timeout` holds the write unstored
 * and answers it with the server's timeout error after `timeoutMs` (a commit that did not
 * happen in time); `lose-reply` stores it, then drops every connection before the answer goes
 * out (a crash after the write).
 */
export interface WriteFaults {
  next(): 'none' | 'timeout' | 'lose-reply';
  timeoutMs: number;
  dropConnections(): void;
}

// The expected-revision oneof has the same case numbers in every write request's options.
const REVISION = 2;
const NO_STREAM = 3;
const ANY = 4;

/** What a write expects of the stream, from the oneof case and the revision it may carry. */
export const expectedOf = (oneofCase: number, revision: string): Expected => {
  switch (oneofCase) {
    case REVISION:
      return { kind: 'revision', revision: BigInt(revision) };
    case NO_STREAM:
      return { kind: 'no_stream' };
    case ANY:
      return { kind: 'any' };
    default:
      return { kind: 'exists' };
  }
};

export const streamNameOf = (identifier: StreamIdentifier | undefined): string =>
  Buffer.from(identifier?.getStreamName_asU8() ?? new Uint8Array()).toString('utf8');

export const streamIdentifier = (name: string): StreamIdentifier =>
  new StreamIdentifier().setStreamName(Buffer.from(name, 'utf8'));

const HEX = /^(.{8})(.{4})(.{4})(.{4})(.{12})$/;

/** UUID text from either wire form (the string form, or two signed 64-bit halves). */
export const uuidText = (uuid: UUID | undefined): string => {
  if (uuid === undefined) return '';
  if (!uuid.hasStructured()) return uuid.getString().toLowerCase();
  const s = uuid.getStructured()!;
  const half = (v: string) => BigInt.asUintN(64, BigInt(v)).toString(16).padStart(16, '0');
  const hex = half(s.getMostSignificantBits()) + half(s.getLeastSignificantBits());
  return hex.replace(HEX, '$1-$2-$3-$4-$5');
};

export const uuidMessage = (text: string, structured: boolean): UUID => {
  if (!structured) return new UUID().setString(text);
  const hex = text.replace(/-/g, '');
  const half = (h: string) => BigInt.asIntN(64, BigInt(`0x${h}`)).toString();
  return new UUID().setStructured(
    new UUID.Structured()
      .setMostSignificantBits(half(hex.slice(0, 16)))
      .setLeastSignificantBits(half(hex.slice(16))),
  );
};

/** A ReadResp carrying one recorded event, with its $all position. */
export const eventResponse = (e: StoredEvent, structuredIds: boolean): ReadResp => {
  const recorded = new ReadResp.ReadEvent.RecordedEvent()
    .setId(uuidMessage(e.id, structuredIds))
    .setStreamIdentifier(streamIdentifier(e.stream))
    .setStreamRevision(e.revision.toString())
    .setCommitPosition(e.position.toString())
    .setPreparePosition(e.position.toString())
    .setData(e.data)
    .setCustomMetadata(e.metadata);
  recorded
    .getMetadataMap()
    .set('type', e.type)
    .set('content-type', e.contentType)
    .set('created', e.created.toString());
  const read = new ReadResp.ReadEvent().setEvent(recorded).setCommitPosition(e.position.toString());
  return new ReadResp().setEvent(read);
};

/**
 * A gRPC error the way EventStoreDB raises it: a status code, and the error kind in the
 * `exception` trailer that clients switch on.
 */
export const serverError = (
  code: status,
  message: string,
  exception?: string,
  trailers: Record<string, string> = {},
): ServiceError => {
  const metadata = new Metadata();
  if (exception !== undefined) metadata.set('exception', exception);
  for (const [key, value] of Object.entries(trailers)) metadata.set(key, value);
  return Object.assign(new Error(message), { code, details: message, metadata });
};

export const streamDeleted = (stream: string): ServiceError =>
  serverError(
    status.FAILED_PRECONDITION,
    `Event stream '${stream}' is deleted.`,
    'stream-deleted',
    {
      'stream-name': stream,
    },
  );
