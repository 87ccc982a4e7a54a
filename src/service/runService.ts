import type { EventLog } from '../events/eventLog';
import type { PromotionRound, Promoter } from '../promoter/promoter';

export interface ServiceOptions {
  log: EventLog;
  promoter: Promoter;
  /** Publishes what was promoted; resolves with how many snapshots went out. */
  publish: () => Promise<number>;
  signal?: AbortSignal;
  /** Longest idle wait, so deadlines expire on time with no new events. @defaultValue 1000 */
  idleMs?: number;
  onRound?: (round: PromotionRound, published: number) => void;
}

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
  const { log, promoter, publish, signal, idleMs = 1000, onRound } = options;
  while (signal?.aborted !== true) {
    const round = await promoter.runOnce();
    const published = await publish();
    onRound?.(round, published);
    if (!didWork(round, published)) await nextAppend(log, promoter.position(), idleMs, signal);
  }
};
