import {
  ErrorType,
  MaxAppendSizeExceededError,
  StreamDeletedError,
  StreamNotFoundError as ServerStreamNotFoundError,
  WrongExpectedVersionError,
} from '@eventstore/db-client';
import {
  LogUnavailableError,
  StreamNotFoundError,
  ValidationError,
  VersionConflictError,
} from '../errors';
import type { ExpectedRevision } from '../eventLog';

/** gRPC status codes that mean "the server could not be reached or answer in time". */
const UNAVAILABLE_CODES = new Set([
  1 /* CANCELLED */, 4 /* DEADLINE_EXCEEDED */, 14 /* UNAVAILABLE */,
]);
const UNAVAILABLE_TYPES = new Set<unknown>([
  ErrorType.UNAVAILABLE,
  ErrorType.DEADLINE_EXCEEDED,
  ErrorType.TIMEOUT,
  ErrorType.NOT_LEADER,
  ErrorType.CANCELLED,
]);

/** What the failed call was about, for the translated error. */
export interface ErrorContext {
  operation: string;
  stream?: string;
  expected?: ExpectedRevision;
  /** The $all position the call read from. */
  position?: number;
}

/**
 * The server refused to read $all from a position that is not a record's first byte
 * (INVALID_ARGUMENT, "Trying to read from an invalid position.").
 */
export const isInvalidPosition = (error: unknown): boolean => {
  const { code, message } = (error ?? {}) as { code?: unknown; message?: unknown };
  return code === 3 && typeof message === 'string' && /invalid position/i.test(message);
};

const invalidPosition = (position: number | undefined, operation: string) =>
  new ValidationError(
    [
      {
        path: '/position',
        expected: "the position of an event in this log (or one past it, for 'from' reads)",
        received: String(position),
        message: 'EventStoreDB reads $all only from the first byte of a record',
      },
    ],
    `cannot ${operation}`,
  );

const tooLarge = (error: MaxAppendSizeExceededError, stream: string) =>
  new ValidationError(
    [
      {
        path: '/events',
        expected: `at most ${error.maxAppendSize} bytes in one append`,
        received: 'more',
        message: "over the server's maximum append size",
      },
    ],
    `cannot append to "${stream}"`,
  );

/** What the driver said of an unreachable server (which address, refused or timed out). */
const detail = (error: unknown): string => {
  const said = error instanceof Error ? error.message : '';
  const message = said.replace(/\s*Resolution note:\s*$/, '').trim();
  return message === '' ? '' : ` (${message})`;
};

/**
 * Driver errors become the port's errors at the boundary: a wrong expected version is a
 * VersionConflictError with the expected revision the caller gave and the actual one, a missing
 * or deleted stream a StreamNotFoundError, an unreachable, slow or leaderless server a retriable
 * LogUnavailableError, an unreadable position or an append over the server's size limit a
 * ValidationError. Anything else passes through: it is a bug or a misconfiguration.
 */
export const toLogError = (error: unknown, context: ErrorContext): unknown => {
  const { operation, stream = '', expected = 'any' } = context;
  if (error instanceof WrongExpectedVersionError) {
    const actual = error.actualVersion;
    const current = typeof actual === 'bigint' ? Number(actual) : 'no_stream';
    return new VersionConflictError(stream, expected, current);
  }
  if (error instanceof ServerStreamNotFoundError || error instanceof StreamDeletedError) {
    return new StreamNotFoundError(stream);
  }
  if (error instanceof MaxAppendSizeExceededError) return tooLarge(error, stream);
  if (isInvalidPosition(error)) return invalidPosition(context.position, operation);
  const { type, code } = (error ?? {}) as { type?: unknown; code?: unknown };
  if (UNAVAILABLE_TYPES.has(type) || (typeof code === 'number' && UNAVAILABLE_CODES.has(code))) {
    return new LogUnavailableError(`${operation}: EventStoreDB unavailable${detail(error)}`, error);
  }
  return error;
};
