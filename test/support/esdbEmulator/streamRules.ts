import type { StoredEvent } from './logStore';

/** The stream metadata the emulator honours (EventStoreDB's reserved names). */
export interface StreamRules {
  /** Events before this revision are gone (soft delete, truncation). */
  $tb?: number;
  /** Only this many of the newest events can be read. */
  $maxCount?: number;
}

const rulesOf = (metadataEvent: StoredEvent | undefined): StreamRules => {
  if (metadataEvent === undefined) return {};
  try {
    const parsed = JSON.parse(Buffer.from(metadataEvent.data).toString('utf8')) as StreamRules;
    return typeof parsed === 'object' && parsed !== null ? parsed : {};
  } catch {
    return {};
  }
};

/**
 * The events of a stream a read may return under its latest `$metadata` event: revisions from
 * `$tb` on, and at most the newest `$maxCount`. EventStoreDB applies both at read time; the
 * hidden events leave the disk only at the next scavenge, and $all still shows them until then.
 */
export const streamVisibility = (
  events: readonly StoredEvent[],
  metadataEvent: StoredEvent | undefined,
): StoredEvent[] => {
  const { $tb, $maxCount } = rulesOf(metadataEvent);
  const last = events.at(-1)?.revision ?? -1n;
  let first = typeof $tb === 'number' ? BigInt($tb) : 0n;
  if (typeof $maxCount === 'number') {
    const byCount = last - BigInt($maxCount) + 1n;
    if (byCount > first) first = byCount;
  }
  return events.filter((e) => e.revision >= first);
};
