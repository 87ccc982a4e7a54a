import { DriftlessError, ERROR_CODES } from '../../events/errors';

/** The brokers could not be reached or did not answer in time; the call may be retried. */
export class BrokerUnavailableError extends DriftlessError {
  constructor(message: string, cause?: unknown) {
    super(ERROR_CODES.BROKER_UNAVAILABLE, message, { cause, retriable: true });
  }
}

/** The brokers answered and refused (a topic they will not create, a fenced producer...). */
export class BrokerRefusedError extends DriftlessError {
  constructor(message: string, cause?: unknown) {
    super(ERROR_CODES.BROKER_REFUSED, message, { cause });
  }
}

/** kafkajs errors that mean "not reachable now" rather than "no". */
const UNREACHABLE = new Set([
  'KafkaJSConnectionError',
  'KafkaJSConnectionClosedError',
  'KafkaJSRequestTimeoutError',
  'KafkaJSBrokerNotFound',
  'KafkaJSNoBrokerAvailableError',
  'KafkaJSLockTimeout',
  'KafkaJSMetadataNotLoaded',
  'KafkaJSTopicMetadataNotLoaded',
  'KafkaJSGroupCoordinatorNotFound',
]);

/** A newer producer with the same transactional id took over: start again with a new one. */
const FENCED = new Set(['PRODUCER_FENCED', 'INVALID_PRODUCER_EPOCH']);

interface KafkaJsLike {
  name?: string;
  message?: string;
  retriable?: boolean;
  type?: string;
  cause?: unknown;
  originalError?: unknown;
}

/** The error and the errors it wraps (kafkajs keeps the last attempt's in `cause`). */
const chain = (error: unknown): KafkaJsLike[] => {
  const out: KafkaJsLike[] = [];
  for (let e = error as KafkaJsLike | undefined; e && out.length < 8;) {
    out.push(e);
    e = (e.cause ?? e.originalError) as KafkaJsLike | undefined;
  }
  return out;
};

/**
 * Translates a kafkajs error at the adapter's boundary: unreachable brokers, retriable protocol
 * errors and a fenced transactional producer (another took over; the next call starts a new
 * one) become a retriable BrokerUnavailableError, anything else BrokerRefusedError.
 * Errors Driftless already translated pass through.
 */
export const translateKafkaError = (error: unknown, doing: string): DriftlessError => {
  if (error instanceof DriftlessError) return error;
  const errors = chain(error);
  const reason = errors.map((e) => e.type ?? e.message ?? 'unknown error').join(': ');
  const unreachable = errors.some(
    (e) =>
      UNREACHABLE.has(e.name ?? '') ||
      FENCED.has(e.type ?? '') ||
      (e.name === 'KafkaJSProtocolError' && e.retriable),
  );
  return unreachable
    ? new BrokerUnavailableError(`${doing}: brokers unavailable (${reason})`, error)
    : new BrokerRefusedError(`${doing}: ${reason}`, error);
};
