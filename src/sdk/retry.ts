import { DriftlessError } from '../events/errors';

export interface RetryPolicy {
  /** Attempts in all, the first included. @defaultValue 5 */
  attempts: number;
  /** Wait before the second attempt, doubled each time. @defaultValue 20 */
  initialDelayMs: number;
}

export const DEFAULT_RETRY: RetryPolicy = { attempts: 5, initialDelayMs: 20 };

const isRetriable = (error: unknown) => error instanceof DriftlessError && error.retriable;

/** Runs `work`, again after a growing pause while it fails retriably; rethrows the last failure. */
export const withRetry = async <T>(
  work: () => Promise<T>,
  policy: RetryPolicy = DEFAULT_RETRY,
): Promise<T> => {
  for (let attempt = 1; ; attempt++) {
    try {
      return await work();
    } catch (error) {
      if (!isRetriable(error) || attempt >= policy.attempts) throw error;
      await new Promise((r) => setTimeout(r, policy.initialDelayMs * 2 ** (attempt - 1)));
    }
  }
};
