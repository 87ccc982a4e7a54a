import type { ServerDuplexStream, ServiceError } from '@grpc/grpc-js';
import { Any } from 'google-protobuf/google/protobuf/any_pb';
import { Empty } from 'google-protobuf/google/protobuf/empty_pb';
import { Code } from '@eventstore/db-client/generated/code_pb';
import {
  AllStreamPosition,
  MaximumAppendSizeExceeded,
  StreamDeleted,
  Timeout,
  WrongExpectedVersion,
} from '@eventstore/db-client/generated/shared_pb';
import { Status } from '@eventstore/db-client/generated/status_pb';
import type { BatchAppendReq } from '@eventstore/db-client/generated/streams_pb';
import { BatchAppendResp } from '@eventstore/db-client/generated/streams_pb';
import type { Expected, LogStore } from './logStore';
import { toProposed } from './proposed';
import { expectedOf, streamIdentifier, streamNameOf, type WriteFaults } from './wire';

type Call = ServerDuplexStream<BatchAppendReq, BatchAppendResp>;

interface Pending {
  options: BatchAppendReq.Options | undefined;
  messages: BatchAppendReq.ProposedMessage[];
}

/** A google.rpc.Status whose details name the error, as clients unpack it. */
const failure = (code: Code, message: string, typeName: string, details: Uint8Array) => {
  const any = new Any();
  any.pack(details, `event_store.client.${typeName}`);
  return new Status().setCode(code).setMessage(message).setDetails(any);
};

const wrongExpectedVersion = (expected: Expected, current: bigint | undefined) => {
  const wrong = new WrongExpectedVersion();
  if (current === undefined) wrong.setCurrentNoStream(new Empty());
  else wrong.setCurrentStreamRevision(current.toString());
  if (expected.kind === 'any') wrong.setExpectedAny(new Empty());
  else if (expected.kind === 'exists') wrong.setExpectedStreamExists(new Empty());
  else if (expected.kind === 'no_stream') wrong.setExpectedNoStream(new Empty());
  else wrong.setExpectedStreamPosition(expected.revision.toString());
  return failure(
    Code.FAILED_PRECONDITION,
    'WrongExpectedVersion',
    'WrongExpectedVersion',
    wrong.serializeBinary(),
  );
};

const fromServiceError = (error: ServiceError, maxAppendSize: number): Status =>
  error.metadata.get('exception')[0] === 'maximum-append-size-exceeded'
    ? failure(
        Code.INVALID_ARGUMENT,
        error.details,
        'MaximumAppendSizeExceeded',
        new MaximumAppendSizeExceeded().setMaxappendsize(maxAppendSize).serializeBinary(),
      )
    : new Status().setCode(Code.INVALID_ARGUMENT).setMessage(error.details);

/** The server's answer to a write it could not commit in time (Status.Timeout). */
const timedOut = (stream: string) =>
  new BatchAppendResp()
    .setStreamIdentifier(streamIdentifier(stream))
    .setError(
      failure(Code.DEADLINE_EXCEEDED, 'Timeout', 'Timeout', new Timeout().serializeBinary()),
    );

/** The outcome of one complete batch, as the response the client matches by correlation id. */
const respond = (store: LogStore, pending: Pending, maxAppendSize: number): BatchAppendResp => {
  const options = pending.options;
  const stream = streamNameOf(options?.getStreamIdentifier());
  const expected = expectedOf(
    options?.getExpectedStreamPositionCase() ?? 0,
    options?.getStreamPosition() ?? '0',
  );
  const resp = new BatchAppendResp().setStreamIdentifier(streamIdentifier(stream));
  const proposed = toProposed(pending.messages, maxAppendSize);
  if (!Array.isArray(proposed)) return resp.setError(fromServiceError(proposed, maxAppendSize));
  const outcome = store.append(stream, expected, proposed);
  if (outcome.kind === 'deleted') {
    const deleted = new StreamDeleted().setStreamIdentifier(streamIdentifier(stream));
    return resp.setError(
      failure(
        Code.FAILED_PRECONDITION,
        'StreamDeleted',
        'StreamDeleted',
        deleted.serializeBinary(),
      ),
    );
  }
  if (outcome.kind === 'wrong_expected_version') {
    return resp.setError(wrongExpectedVersion(expected, outcome.current));
  }
  const position = new AllStreamPosition()
    .setCommitPosition(outcome.position.toString())
    .setPreparePosition(outcome.position.toString());
  return resp.setSuccess(
    new BatchAppendResp.Success()
      .setCurrentRevision(outcome.revision.toString())
      .setPosition(position),
  );
};

/**
 * Streams.BatchAppend: one long-lived duplex call carries many appends, each split into chunks
 * that share a correlation id; the last chunk is marked final and gets one response.
 */
export const batchAppend =
  (store: LogStore, maxAppendSize: number, faults: WriteFaults) => (call: Call) => {
    const pending = new Map<string, Pending>();
    call.on('data', (req: BatchAppendReq) => {
      const id = req.getCorrelationId()!;
      const key = id.getString() || JSON.stringify(id.toObject());
      const batch = pending.get(key) ?? { options: undefined, messages: [] };
      if (req.hasOptions()) batch.options = req.getOptions();
      batch.messages.push(...req.getProposedMessagesList());
      if (!req.getIsFinal()) return void pending.set(key, batch);
      pending.delete(key);
      const fault = faults.next();
      if (fault === 'timeout') {
        const stream = streamNameOf(batch.options?.getStreamIdentifier());
        const answer = () => call.write(timedOut(stream).setCorrelationId(id));
        return void setTimeout(answer, faults.timeoutMs);
      }
      const response = respond(store, batch, maxAppendSize);
      if (fault === 'lose-reply') return faults.dropConnections();
      call.write(response.setCorrelationId(id));
    });
    call.on('end', () => call.end());
  };
