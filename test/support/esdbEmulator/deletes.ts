import { status, type sendUnaryData, type ServerUnaryCall } from '@grpc/grpc-js';
import type { DeleteReq, TombstoneReq } from '@eventstore/db-client/generated/streams_pb';
import { DeleteResp, TombstoneResp } from '@eventstore/db-client/generated/streams_pb';
import type { AppendOutcome, LogStore } from './logStore';
import { expectedOf, serverError, streamDeleted, streamNameOf } from './wire';

type Options = DeleteReq.Options | TombstoneReq.Options;

/** Runs a delete and answers with its position, or with the error the server would raise. */
const runDelete =
  <Resp>(
    remove: (stream: string, options: Options) => AppendOutcome,
    reply: (position: bigint) => Resp,
  ) =>
  (
    call: ServerUnaryCall<{ getOptions(): Options | undefined }, Resp>,
    callback: sendUnaryData<Resp>,
  ) => {
    const options = call.request.getOptions()!;
    const stream = streamNameOf(options.getStreamIdentifier());
    const outcome = remove(stream, options);
    if (outcome.kind === 'deleted') return callback(streamDeleted(stream));
    if (outcome.kind === 'wrong_expected_version') {
      const actual =
        outcome.current === undefined ? {} : { 'actual-version': String(outcome.current) };
      return callback(
        serverError(
          status.FAILED_PRECONDITION,
          'Wrong expected version.',
          'wrong-expected-version',
          {
            'stream-name': stream,
            'expected-version': options.getRevision() || '-1',
            ...actual,
          },
        ),
      );
    }
    callback(null, reply(outcome.position));
  };

const expected = (options: Options) =>
  expectedOf(options.getExpectedStreamRevisionCase(), options.getRevision());

/** Streams.Delete: a soft delete. */
export const softDelete = (store: LogStore) =>
  runDelete(
    (stream, options) => store.softDelete(stream, expected(options)),
    (p) =>
      new DeleteResp().setPosition(
        new DeleteResp.Position().setCommitPosition(p.toString()).setPreparePosition(p.toString()),
      ),
  );

/** Streams.Tombstone: a hard delete. */
export const tombstone = (store: LogStore) =>
  runDelete(
    (stream, options) => store.tombstone(stream, expected(options)),
    (p) =>
      new TombstoneResp().setPosition(
        new TombstoneResp.Position()
          .setCommitPosition(p.toString())
          .setPreparePosition(p.toString()),
      ),
  );
