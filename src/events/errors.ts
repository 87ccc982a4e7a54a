import type { ExpectedRevision } from './eventLog';

/** Stable error codes; a caller branches on `code`, never on a message. */
export const ERROR_CODES = {
  VERSION_CONFLICT: 'VERSION_CONFLICT',
  STREAM_NOT_FOUND: 'STREAM_NOT_FOUND',
  VALIDATION: 'VALIDATION',
  LOG_UNAVAILABLE: 'LOG_UNAVAILABLE',
  LOG_CLOSED: 'LOG_CLOSED',
  BROKER_UNAVAILABLE: 'BROKER_UNAVAILABLE',
  BROKER_REFUSED: 'BROKER_REFUSED',
  HANDLER_FAILED: 'HANDLER_FAILED',
} as const;

export type ErrorCode = (typeof ERROR_CODES)[keyof typeof ERROR_CODES];

/** Base of every error Driftless throws on purpose. */
export class DriftlessError extends Error {
  readonly code: ErrorCode;
  /** Whether the same call may succeed if tried again. */
  readonly retriable: boolean;

  constructor(
    code: ErrorCode,
    message: string,
    options: { cause?: unknown; retriable?: boolean } = {},
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.code = code;
    this.retriable = options.retriable ?? false;
  }
}

/** The stream's revision was not the one the append expected. */
export class VersionConflictError extends DriftlessError {
  constructor(
    readonly stream: string,
    readonly expected: ExpectedRevision,
    readonly actual: number | 'no_stream',
  ) {
    super(
      ERROR_CODES.VERSION_CONFLICT,
      `stream "${stream}": expected revision ${String(expected)}, actual ${String(actual)}`,
    );
  }
}

export class StreamNotFoundError extends DriftlessError {
  constructor(readonly stream: string) {
    super(ERROR_CODES.STREAM_NOT_FOUND, `stream "${stream}" not found`);
  }
}

/** One thing wrong with an input: where, what was expected, what arrived. */
export interface ValidationIssue {
  /** JSON pointer into the input, `""` for the input itself. */
  path: string;
  expected: string;
  received: string;
  message: string;
}

/** Bad input. Lists every issue found, not just the first. */
export class ValidationError extends DriftlessError {
  constructor(
    readonly issues: readonly ValidationIssue[],
    context = 'invalid input',
  ) {
    super(ERROR_CODES.VALIDATION, `${context}: ${issues.map(formatIssue).join('; ')}`);
  }
}

export const formatIssue = (issue: ValidationIssue): string =>
  `at "${issue.path}": ${issue.message} (expected ${issue.expected}, received ${issue.received})`;

/** The log could not be reached or is busy; the call may be retried. */
export class LogUnavailableError extends DriftlessError {
  constructor(message: string, cause?: unknown) {
    super(ERROR_CODES.LOG_UNAVAILABLE, message, { cause, retriable: true });
  }
}

/** The log was closed by its owner; nothing more can be done with it. */
export class LogClosedError extends DriftlessError {
  constructor() {
    super(ERROR_CODES.LOG_CLOSED, 'the event log is closed');
  }
}
