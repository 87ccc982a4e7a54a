import { setTimeout as sleep } from 'node:timers/promises';
import { DriftlessError } from '../events/errors';
import type { EventLog } from '../events/eventLog';
import type { PromotionRound, Promoter } from '../promoter/promoter';

export interface ServiceOptions {
  log: EventLog;
  promoter: Promoter;
  /** Publishes what was promoted; resolves with how many snapshots went out. */
  publish: (signal?: AbortSignal) => Promise<number>;
  signal?: AbortSignal;
  /** Longest idle wait, so deadlines expire on time with no new events. @defaultValue 1000 */
  idleMs?: number;
  onRound?: (round: PromotionRound, published: number) => void;
  /**
   * A round failed in a way the next may not (log unavailable, database busy); the next try
   * comes after `min(idleMs, 200)` ms, doubling while failures follow each other, at most 5 s.
   */
  onRetry?: (error: Error) => void;
}

/** Failures another round may get past: the log said so, or another process held SQLite. */
const isTransient = (error: unknown): error is Error =>
  (error instanceof DriftlessError && error.retriable) ||
  /^SQLITE_(BUSY|LOCKED)/.test(String((error as { code?: unknown } | null)?.code));

const MAX_RETRY_MS = 5000;

const didWork = (r: PromotionRound, published: number) =>
  r.promoted + r.quarantined + r.expired + r.sealed + r.lostRaces + published > 0;

/** Resolves on the first event after `position`, after `idleMs`, or when `signal` aborts. */
const nextAppend = async (
  log: EventLog,
  position: number,
  idleMs: number,
  signal?: AbortSignal,
) => {
  const wait = AbortSignal.any([AbortSignal.timeout(idleMs), ...(signal ? [signal] : [])]);
  for await (const _event of log.subscribe({ fromCheckpoint: position, signal: wait, pageSize: 1 }))
    return;
};

/**
 * The main job: promote, publish, and when a round finds nothing to do, sleep until the log
 * grows. Ends when `signal` aborts, after the round in progress.
 */
export const runService = async (options: ServiceOptions): Promise<void> => {
  const { log, promoter, publish, signal, idleMs = 1000, onRound, onRetry } = options;
  const firstRetryMs = Math.min(idleMs, 200);
  let retryMs = firstRetryMs;
  while (signal?.aborted !== true) {
    let round: PromotionRound, published: number;
    try {
      // One pass, then publish: what it promoted goes out before the next pass starts.
      round = await promoter.runPass(signal);
      published = await publish(signal);
    } catch (error) {
      if (!isTransient(error)) throw error;
      onRetry?.(error);
      await sleep(retryMs, undefined, { signal }).catch(() => undefined); // aborted: stop
      retryMs = Math.min(retryMs * 2, MAX_RETRY_MS);
      continue;
    }
    retryMs = firstRetryMs;
    onRound?.(round, published);
    if (!didWork(round, published)) await nextAppend(log, promoter.position(), idleMs, signal);
  }
};
