import { escapeSegment, parsePointer } from '../events/jsonPointer';
import type { Decision } from '../events/schemas/entityEvents';
import { jsonEqual } from './json';
import { RULES } from './mergeContext';
import type { Provenance } from './mergeRules';

type Entry = [pointer: string, at: Provenance];

/** Every field always present, cleared by assignment: `delete` would slow every node down. */
interface Node {
  /** Its path as a pointer, kept so that `entries` formats nothing. */
  pointer: string;
  at: Provenance | undefined;
  /**
   * The entry `at` was read from: `entries` hands it back while `at` is unchanged, so a head
   * rebuilt at every promotion keeps its unchanged entries instead of copying them.
   */
  entry: Entry | undefined;
  children: Map<string, Node> | undefined;
}

const nodeOf = (pointer: string): Node => ({
  pointer,
  at: undefined,
  entry: undefined,
  children: undefined,
});

/** Largest number of parsed pointers kept, so ever-new paths cannot grow it. */
const MAX_PARSED = 4096;
const parsed = new Map<string, readonly string[]>();

/**
 * `parsePointer(pointer) ?? []`, remembered: heads are rebuilt from their entries at every
 * promotion, and their paths are the same few. Callers only read the segments.
 */
const segmentsOf = (pointer: string): readonly string[] => {
  let segments = parsed.get(pointer);
  if (segments === undefined) {
    segments = parsePointer(pointer) ?? [];
    if (parsed.size >= MAX_PARSED) parsed.clear();
    parsed.set(pointer, segments);
  }
  return segments;
};

/**
 * Who wrote each value of an entity's head, by path, so a later merge can weigh the head's
 * side of a conflict by its phase, actor and confidence. A value inherits the provenance of
 * its nearest recorded ancestor; values with none recorded have `fallback`'s.
 */
export interface HeadProvenance {
  by: (path: readonly string[]) => Provenance;
  /** Like `by`, but only what was recorded (at the path or its nearest recorded ancestor). */
  recorded: (path: readonly string[]) => Provenance | undefined;
  /** Records a promotion: each path whose value changed now belongs to `writer`. */
  record: (
    decisions: readonly Decision[],
    writer: Omit<Provenance, 'branchIds' | 'confidence'>,
  ) => void;
  /**
   * Recorded entries, shallowest first, for storage; `createHeadProvenance` reads them back.
   * Entries it was given and that still hold are handed back as they are, not copied.
   */
  entries: () => Entry[];
}

export const createHeadProvenance = (
  fallback: Provenance,
  entries: readonly Entry[] = [],
): HeadProvenance => {
  const root = nodeOf('');
  /**
   * `pointer` is the text `path` was parsed from: a valid pointer is exactly the text its
   * segments format to, so a new node takes it instead of building its own copy.
   */
  const nodeAt = (path: readonly string[], pointer: string): Node => {
    let node = root;
    for (let i = 0; i < path.length; i++) {
      const segment = path[i]!;
      node.children ??= new Map();
      let child = node.children.get(segment);
      if (child === undefined) {
        const last = i === path.length - 1;
        child = nodeOf(last ? pointer : `${node.pointer}/${escapeSegment(segment)}`);
        node.children.set(segment, child);
      }
      node = child;
    }
    return node;
  };
  const put = (pointer: string, at: Provenance | undefined): Node => {
    const node = nodeAt(segmentsOf(pointer), pointer);
    node.children = undefined; // a new value replaces everything below it
    node.at = at;
    return node;
  };
  for (const entry of entries) {
    const node = put(entry[0], entry[1]);
    // An invalid pointer lands on the root, whose pointer differs: that entry is rewritten.
    if (node.pointer === entry[0]) node.entry = entry;
  }
  const recorded = (path: readonly string[]): Provenance | undefined => {
    let found = root.at;
    let node: Node | undefined = root;
    for (const segment of path) {
      node = node.children?.get(segment);
      if (node === undefined) break;
      if (node.at !== undefined) found = node.at;
    }
    return found;
  };
  const by = (path: readonly string[]): Provenance => recorded(path) ?? fallback;
  /** Keeps who wrote the value (and what is below it); only the confidence goes up. */
  const raise = (d: Decision) => {
    const path = segmentsOf(d.path);
    const current = by(path);
    if (d.confidence === undefined || (current.confidence ?? 1) >= d.confidence) return;
    nodeAt(path, d.path).at = { ...current, branchIds: d.branchIds, confidence: d.confidence };
  };
  return {
    by,
    recorded,
    record: (decisions, writer) => {
      for (const d of decisions) {
        if (jsonEqual(d.chosen, d.ours)) {
          // The head kept its value and its provenance, but a surer branch that made the same
          // change raises its confidence: a later conflict is weighed against the surer writer.
          if (d.rule === RULES.SAME_CHANGE && d.chosen !== undefined) raise(d);
          continue;
        }
        const at: Provenance = { branchIds: d.branchIds, phase: writer.phase, actor: writer.actor };
        if (d.confidence !== undefined) at.confidence = d.confidence;
        put(d.path, d.chosen === undefined ? undefined : at);
      }
    },
    entries: () => {
      const out: Entry[] = [];
      const walk = (node: Node) => {
        if (node.at !== undefined)
          out.push(node.entry?.[1] === node.at ? node.entry : [node.pointer, node.at]);
        node.children?.forEach(walk);
      };
      walk(root);
      return out;
    },
  };
};
