import type { ReadStreamOptions } from './eventLog';

/** One stream's events read as the options ask, from a revision-ordered array. */
export const sliceStream = <T extends { revision: number }>(
  events: readonly T[],
  options: ReadStreamOptions = {},
): T[] => {
  const backwards = options.direction === 'backwards';
  const limit = options.limit ?? Number.POSITIVE_INFINITY;
  const last = events.length - 1;
  const from = options.from ?? (backwards ? 'end' : 'start');
  const start = from === 'start' ? 0 : from === 'end' ? last : from;
  const out: T[] = [];
  if (backwards) {
    for (let r = Math.min(start, last); r >= 0 && out.length < limit; r--) out.push(events[r]!);
  } else {
    for (let r = Math.max(start, 0); r <= last && out.length < limit; r++) out.push(events[r]!);
  }
  return out;
};
