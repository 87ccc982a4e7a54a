import { status, type sendUnaryData, type ServerReadableStream } from '@grpc/grpc-js';
import { Empty } from '@eventstore/db-client/generated/shared_pb';
import type { AppendReq } from '@eventstore/db-client/generated/streams_pb';
import { AppendResp } from '@eventstore/db-client/generated/streams_pb';
import type { AppendOutcome, Expected, LogStore } from './logStore';
import { toProposed } from './proposed';
import { expectedOf, serverError, streamDeleted, streamNameOf, type WriteFaults } from './wire';

const wrongExpectedVersion = (expected: Expected, current: bigint | undefined) => {
  const wrong = new AppendResp.WrongExpectedVersion();
  if (current === undefined) wrong.setCurrentNoStream(new Empty());
  else wrong.setCurrentRevision(current.toString());
  if (expected.kind === 'any') wrong.setExpectedAny(new Empty());
  else if (expected.kind === 'exists') wrong.setExpectedStreamExists(new Empty());
  else if (expected.kind === 'no_stream') wrong.setExpectedNoStream(new Empty());
  else wrong.setExpectedRevision(expected.revision.toString());
  return new AppendResp().setWrongExpectedVersion(wrong);
};

const success = (outcome: { revision: bigint; position: bigint }) =>
  new AppendResp().setSuccess(
    new AppendResp.Success()
      .setCurrentRevision(outcome.revision.toString())
      .setPosition(
        new AppendResp.Position()
          .setCommitPosition(outcome.position.toString())
          .setPreparePosition(outcome.position.toString()),
      ),
  );

/**
 * Streams.Append: options first, then one proposed message per request. A wrong expected
 * version is a normal response (not a gRPC error) on this call.
 */
export const append =
  (store: LogStore, maxAppendSize: number, faults: WriteFaults) =>
  (call: ServerReadableStream<AppendReq, AppendResp>, callback: sendUnaryData<AppendResp>) => {
    let options: AppendReq.Options | undefined;
    const messages: AppendReq.ProposedMessage[] = [];
    call.on('data', (req: AppendReq) => {
      if (req.hasOptions()) options = req.getOptions();
      else if (req.hasProposedMessage()) messages.push(req.getProposedMessage()!);
    });
    call.on('end', () => {
      const stream = streamNameOf(options?.getStreamIdentifier());
      const expected = expectedOf(
        options?.getExpectedStreamRevisionCase() ?? 0,
        options?.getRevision() ?? '0',
      );
      const proposed = toProposed(messages, maxAppendSize);
      if (!Array.isArray(proposed)) return callback(proposed);
      const fault = faults.next();
      if (fault === 'timeout') {
        const timedOut = serverError(status.DEADLINE_EXCEEDED, 'Operation timed out', 'timeout');
        return void setTimeout(() => callback(timedOut), faults.timeoutMs);
      }
      const outcome: AppendOutcome = store.append(stream, expected, proposed);
      if (fault === 'lose-reply') return faults.dropConnections();
      if (outcome.kind === 'deleted') return callback(streamDeleted(stream));
      if (outcome.kind === 'wrong_expected_version') {
        return callback(null, wrongExpectedVersion(expected, outcome.current));
      }
      callback(null, success(outcome));
    });
  };
