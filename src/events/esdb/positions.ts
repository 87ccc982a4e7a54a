import type { Position } from '@eventstore/db-client';

/**
 * The port's `position` is EventStoreDB's $all commit position as a number.
 *
 * The server's $all position is a pair (commit, prepare) of byte offsets into its transaction
 * log. Every event appended through gRPC is written as its own implicitly committed record, so
 * its commit and prepare positions are equal: the offset of the record's first byte. They are
 * unique and increase along the log. They differ only for events of the legacy explicit
 * transactions (TCP API, never written by Driftless), which share their commit's position.
 * So the commit position alone orders the log, and a position converts back as (p, p).
 *
 * Positions are byte offsets: they leave gaps (not 1, 2, 3, …), and the server reads $all only
 * from a record's first byte. As numbers they are exact up to 2^53 bytes (8 PiB) of log.
 * A server that sends no position (stream reads before 22.6 send the "none" value, 2^64 - 1)
 * gives -1.
 */
export const toLogPosition = (position: Position): number =>
  position.commit > BigInt(Number.MAX_SAFE_INTEGER) ? -1 : Number(position.commit);

export const toServerPosition = (position: number): Position => ({
  commit: BigInt(position),
  prepare: BigInt(position),
});
