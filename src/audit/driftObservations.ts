import type { RecordedEvent } from '../events/eventLog';
import { RULES } from '../reconcilers/mergeContext';

/** One fact drift metrics are made of, read off one event of the log. */
export type DriftObservation =
  /** A version was promoted: how many promotions its branch's base was behind the head. */
  | { kind: 'promotion'; staleness: number; latencyMs?: number }
  /** A path both sides changed: the rule that settled it, or 'unresolved' (quarantined). */
  | { kind: 'conflict'; entityType: string; path: string; rule: string }
  /** A branch went to quarantine, with the distinct codes of its violations. */
  | { kind: 'quarantine'; codes: string[] };

export const UNRESOLVED = 'unresolved';

/** Rules that merge a change made on one side only (or the same on both): no conflict. */
const ONE_SIDED = new Set<string>([RULES.THEIRS_ONLY, RULES.SAME_CHANGE, RULES.SET_UNION]);

/**
 * Turns log events into drift observations. Remembers, per branch not yet settled, when it
 * was committed and how stale the promoter found it: memory follows open work.
 */
export const createDriftObserver = () => {
  const committedAt = new Map<string, number>();
  const staleness = new Map<string, number>();
  const settle = (branchId: string) => {
    committedAt.delete(branchId);
    staleness.delete(branchId);
  };
  return (event: RecordedEvent): DriftObservation[] => {
    switch (event.type) {
      case 'BranchCommitted':
        committedAt.set(event.data.branchId, Date.parse(event.metadata.recordedAt));
        return [];
      case 'DivergenceDetected':
        staleness.set(event.data.branchId, event.data.staleness);
        return [];
      case 'VersionPromoted': {
        const [branchId = ''] = event.data.branchIds;
        const committed = committedAt.get(branchId);
        const promotion: DriftObservation = {
          kind: 'promotion',
          staleness: staleness.get(branchId) ?? 0,
        };
        if (committed !== undefined)
          promotion.latencyMs = Date.parse(event.metadata.recordedAt) - committed;
        event.data.branchIds.forEach(settle);
        const conflicts = event.data.decisions
          .filter((d) => !ONE_SIDED.has(d.rule))
          .map((d): DriftObservation => ({
            kind: 'conflict',
            entityType: event.data.entity.type,
            path: d.path,
            rule: d.rule,
          }));
        return [promotion, ...conflicts];
      }
      case 'BranchQuarantined': {
        // A released branch that comes back is measured again from its first commit.
        staleness.delete(event.data.branchId);
        const { violations } = event.data;
        return [
          ...violations
            .filter((v) => v.code === 'UNRESOLVED_CONFLICT')
            .map((v): DriftObservation => ({
              kind: 'conflict',
              entityType: event.data.entity.type,
              path: v.path,
              rule: UNRESOLVED,
            })),
          { kind: 'quarantine', codes: [...new Set(violations.map((v) => v.code))] },
        ];
      }
      case 'BranchAbandoned':
        settle(event.data.branchId);
        return [];
      default:
        return [];
    }
  };
};
