import type { EventFilter, RecordedEvent, SubscribeOptions } from './eventLog';

/** What an adapter gives the shared subscription loop. */
export interface SubscriptionSource {
  /** The newest position in the log now (0 when empty). */
  lastPosition(): Promise<number>;
  /** Events with after < position <= upTo that pass the filter, at most `limit`, in order. */
  readRange(
    after: number,
    upTo: number,
    limit: number,
    filter: EventFilter | undefined,
  ): Promise<RecordedEvent[]>;
  /**
   * Resolves at once when the log has already grown past `after`; otherwise when it may have,
   * or when it closes or `signal` aborts.
   */
  waitForAppend(after: number, signal: AbortSignal | undefined): Promise<void>;
  isClosed(): boolean;
}

/**
 * Catch-up then live delivery, pull-based: a page is read only when the consumer has taken the
 * previous one, so memory is bounded by one page whatever the consumer's speed.
 */
export async function* subscribeFrom(
  source: SubscriptionSource,
  options: SubscribeOptions = {},
): AsyncGenerator<RecordedEvent> {
  const pageSize = options.pageSize ?? 1000;
  const { signal, filter } = options;
  let checkpoint = options.fromCheckpoint ?? 0;
  const stopped = () => source.isClosed() || signal?.aborted === true;
  while (!stopped()) {
    const head = await source.lastPosition();
    if (head <= checkpoint) {
      await source.waitForAppend(checkpoint, signal);
      continue;
    }
    const page = await source.readRange(checkpoint, head, pageSize, filter);
    for (const event of page) {
      yield event;
      checkpoint = event.position;
      if (stopped()) return;
    }
    // A short page means nothing else matched up to `head`: skip the scanned range.
    if (page.length < pageSize) checkpoint = head;
  }
}
