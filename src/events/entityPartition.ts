import type { StreamNames } from './streams';

/** FNV-1a, 32 bits: stable across processes, versions and platforms. */
export const fnv1a = (text: string): number => {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return hash >>> 0;
};

/** Part `index` of `count`: the entities whose key ("type/id") hashes to `index` mod `count`. */
export interface PartOf {
  index: number;
  count: number;
}

/**
 * One part of the log split by entity: an entity's own stream, and the stream of every branch
 * opened on it. A branch stream does not name its entity, so the part learns its branches from
 * their BranchOpened events: it must see the log from the start, in order, BranchOpened
 * included. Streams outside the entity and branch prefixes all pass.
 */
export interface EntityPartition {
  /** `openedOn`: the entity key of a BranchOpened event; null for any other event. */
  accepts(stream: string, openedOn: string | null): boolean;
}

export const entityPartition = (part: PartOf, streams: StreamNames): EntityPartition => {
  const ownBranches = new Set<string>();
  const ours = (key: string) => fnv1a(key) % part.count === part.index;
  return {
    accepts: (stream, openedOn) => {
      if (openedOn !== null) {
        if (!ours(openedOn)) return false;
        ownBranches.add(stream);
        return true;
      }
      if (stream.startsWith(streams.branchPrefix)) return ownBranches.has(stream);
      if (!stream.startsWith(streams.entityPrefix)) return true;
      // Entity types contain no "-": the first one after the prefix ends the type.
      const rest = stream.slice(streams.entityPrefix.length);
      const dash = rest.indexOf('-');
      return ours(`${rest.slice(0, dash)}/${rest.slice(dash + 1)}`);
    },
  };
};

/** The entity key of a BranchOpened event's data, for `accepts`; null for other events. */
export const openedOn = (type: string, data: unknown): string | null => {
  if (type !== 'BranchOpened') return null;
  const { entity } = data as { entity: { type: string; id: string } };
  return `${entity.type}/${entity.id}`;
};
