import type { EntityRef } from '../events/schemas/common';
import type { GateLookups } from '../validators/gateInput';

export const entityKey = (e: EntityRef): string => `${e.type}/${e.id}`;

/** What one gate run read about other entities. */
export interface ReadSet {
  entities: Set<string>;
  /** Whether it asked which entities reference another (an orphaned-link check). */
  referrers: boolean;
}

/**
 * The gate's lookups, recording what they were asked. The promoter settles many entities
 * between two projection catch-ups; a branch whose verdict read an entity settled earlier in
 * the same pass waits for the next pass, so every verdict is the one a one-at-a-time promoter
 * would have reached.
 */
export const trackedLookups = (lookups: GateLookups): { lookups: GateLookups; reads: ReadSet } => {
  const reads: ReadSet = { entities: new Set(), referrers: false };
  return {
    reads,
    lookups: {
      head: (entity) => {
        reads.entities.add(entityKey(entity));
        return lookups.head(entity);
      },
      referencesTo: (entity) => {
        reads.referrers = true;
        return lookups.referencesTo(entity);
      },
      seal: (entity, phase) => lookups.seal(entity, phase),
      ordinalOf: (versionId) => lookups.ordinalOf(versionId),
    },
  };
};
