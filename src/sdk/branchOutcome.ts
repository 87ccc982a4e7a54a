import { setTimeout as sleep } from 'node:timers/promises';
import { StreamNotFoundError } from '../events/errors';
import type { EventLog, RecordedEvent } from '../events/eventLog';
import type { Violation } from '../validators/violation';
import { DEFAULT_RETRY, withRetry, type RetryPolicy } from './retry';

/** What became of a committed branch, as its writer learns it from the log. */
export type CommitOutcome =
  /** No verdict yet: the wait was stopped first (its signal aborted). */
  | { status: 'committed' }
  | { status: 'promoted'; versionId: string; hash: string; position: number }
  /** As the gate first decided: an operator may still release it (not waited for). */
  | { status: 'quarantined'; violations: Violation[]; position: number }
  | { status: 'abandoned'; reason: string };

export interface OutcomeOptions {
  /** Stops waiting: the promise then resolves with `{ status: 'committed' }`. */
  signal?: AbortSignal;
  /** How often the entity stream is read again while nothing is there. @defaultValue 100 */
  pollMs?: number;
}

const verdict = (e: RecordedEvent, branchId: string): CommitOutcome | undefined => {
  if (e.type === 'VersionPromoted' && e.data.branchIds.includes(branchId))
    return {
      status: 'promoted',
      versionId: e.data.versionId,
      hash: e.data.hash,
      position: e.position,
    };
  if (e.type === 'BranchQuarantined' && e.data.branchId === branchId)
    return { status: 'quarantined', violations: e.data.violations, position: e.position };
  return undefined;
};

/**
 * Waits for the promoter's verdict on a branch whose commit is at log position `after`: the
 * first VersionPromoted naming it or BranchQuarantined for it on its entity's stream. The
 * stream is read backwards to the commit once, then forwards from where it ended.
 */
export const waitForOutcome = async (options: {
  log: EventLog;
  stream: string;
  branchId: string;
  after: number;
  retry?: RetryPolicy;
  wait?: OutcomeOptions;
}): Promise<CommitOutcome> => {
  const { log, stream, branchId, after } = options;
  const { signal, pollMs = 100 } = options.wait ?? {};
  const read = (from: number | 'end', direction: 'forwards' | 'backwards') =>
    withRetry(
      () => log.readStream(stream, { from, direction, limit: 500 }),
      options.retry ?? DEFAULT_RETRY,
    ).catch((error: unknown) => {
      if (error instanceof StreamNotFoundError) return [];
      throw error;
    });
  // Backwards to the commit: what the promoter appended since, oldest first.
  const since: RecordedEvent[] = [];
  let next = 0;
  for (let from: number | 'end' = 'end'; ;) {
    const page = await read(from, 'backwards');
    const newer = page.filter((e) => e.position > after);
    since.unshift(...newer.reverse());
    next = Math.max(next, (page[0]?.revision ?? -1) + 1);
    if (newer.length < page.length || page.length < 500 || page.at(-1)!.revision === 0) break;
    from = page.at(-1)!.revision - 1;
  }
  for (;;) {
    for (const e of since) {
      const found = verdict(e, branchId);
      if (found !== undefined) return found;
    }
    if (signal?.aborted === true) return { status: 'committed' };
    await sleep(pollMs, undefined, signal === undefined ? {} : { signal }).catch(() => undefined);
    since.length = 0;
    for (let page = await read(next, 'forwards'); ; page = await read(next, 'forwards')) {
      since.push(...page);
      if (page.length > 0) next = page.at(-1)!.revision + 1;
      if (page.length < 500) break;
    }
  }
};
