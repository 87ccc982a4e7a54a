import { BrokerUnavailableError } from './kafkaErrors';

/**
 * Settles like `work`, or rejects with a retriable BrokerUnavailableError after `ms`: a client
 * call that neither answers nor fails must not stall the publisher for good.
 */
export const withDeadline = async <T>(work: Promise<T>, ms: number, what: string): Promise<T> => {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new BrokerUnavailableError(`${what}: no answer within ${ms} ms`)),
      ms,
    );
  });
  try {
    return await Promise.race([work, late]);
  } finally {
    clearTimeout(timer);
  }
};

/** Waits at most `ms` for `work` (closing a client), whatever its outcome. */
export const settleWithin = (work: Promise<unknown>, ms: number): Promise<void> =>
  withDeadline(work, ms, 'closing').then(
    () => undefined,
    () => undefined,
  );
