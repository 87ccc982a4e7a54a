import type { EventData } from '../events/catalogue';

const PER_SECOND = 10;
const LONGEST = 160;

/**
 * What serve says about each branch it quarantined: one line naming the branch, its entity
 * and its first violation, so an operator sees what needs a look as it happens. At most 10 a
 * second: beyond that one line counts the rest (`driftless quarantine list` has them all).
 */
export const quarantineLines = (out: (line: string) => void, now: () => number = Date.now) => {
  let windowStart = 0;
  let shown = 0;
  let unshown = 0;
  const flush = () => {
    if (unshown > 0)
      out(`… ${unshown} more quarantined in that second (driftless quarantine list shows them)`);
    unshown = 0;
  };
  return {
    quarantined: (q: EventData<'BranchQuarantined'>) => {
      if (now() - windowStart >= 1000) {
        flush();
        windowStart = now();
        shown = 0;
      }
      if (shown >= PER_SECOND) {
        unshown += 1;
        return;
      }
      shown += 1;
      const [first, ...rest] = q.violations;
      const more = rest.length === 0 ? '' : ` (and ${rest.length} more)`;
      const at = first?.path === '' ? '' : ` at "${first?.path}"`;
      const what = first === undefined ? '' : `${first.code}${at}: ${first.message}`;
      const cut = what.length <= LONGEST ? what : `${what.slice(0, LONGEST)}…`;
      out(`quarantined ${q.branchId} of ${q.entity.type}/${q.entity.id}: ${cut}${more}`);
    },
    flush,
  };
};
