import { Kafka, logLevel, type RetryOptions } from 'kafkajs';

/** How Driftless connects to Kafka; shared by the sink and the consumer SDK. */
export interface KafkaConnection {
  /** `host:port` of one or more brokers. */
  brokers: readonly string[];
  /** @defaultValue 'driftless' */
  clientId?: string;
  /**
   * kafkajs retries of each request, with exponential backoff; past them the call fails with
   * a retriable BrokerUnavailableError and the caller's next round tries again.
   * @defaultValue `{ retries: 5, initialRetryTime: 100, maxRetryTime: 2000 }`
   */
  retry?: RetryOptions;
  /**
   * kafkajs's own log on the console. Failures reach the caller anyway, as BROKER_UNAVAILABLE
   * or BROKER_REFUSED errors carrying kafkajs's reason. @defaultValue logLevel.NOTHING
   */
  logLevel?: logLevel;
}

export const DEFAULT_RETRY: RetryOptions = {
  retries: 5,
  initialRetryTime: 100,
  maxRetryTime: 2000,
};

export const createKafkaClient = (connection: KafkaConnection): Kafka =>
  new Kafka({
    brokers: [...connection.brokers],
    clientId: connection.clientId ?? 'driftless',
    retry: connection.retry ?? DEFAULT_RETRY,
    logLevel: connection.logLevel ?? logLevel.NOTHING,
  });
