import { escapeSegment, parsePointer } from '../events/jsonPointer';
import type { Decision } from '../events/schemas/entityEvents';
import { jsonEqual } from './json';
import { RULES } from './mergeContext';
import type { Provenance } from './mergeRules';

/** Every field always present, cleared by assignment: `delete` would slow every node down. */
interface Node {
  /** Its path as a pointer, kept so that `entries` formats nothing. */
  pointer: string;
  at: Provenance | undefined;
  children: Map<string, Node> | undefined;
}

const nodeOf = (pointer: string): Node => ({ pointer, at: undefined, children: undefined });

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
  /** Recorded entries, shallowest first, for storage; `createHeadProvenance` reads them back. */
  entries: () => [string, Provenance][];
}

export const createHeadProvenance = (
  fallback: Provenance,
  entries: readonly (readonly [string, Provenance])[] = [],
): HeadProvenance => {
  const root = nodeOf('');
  const nodeAt = (path: readonly string[]): Node => {
    let node = root;
    for (const segment of path) {
      node.children ??= new Map();
      let child = node.children.get(segment);
      if (child === undefined) {
        child = nodeOf(`${node.pointer}/${escapeSegment(segment)}`);
        node.children.set(segment, child);
      }
      node = child;
    }
    return node;
  };
  const put = (path: readonly string[], at: Provenance | undefined) => {
    const node = nodeAt(path);
    node.children = undefined; // a new value replaces everything below it
    node.at = at;
  };
  for (const [pointer, at] of entries) put(segmentsOf(pointer), at);
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
    nodeAt(path).at = { ...current, branchIds: d.branchIds, confidence: d.confidence };
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
        put(segmentsOf(d.path), d.chosen === undefined ? undefined : at);
      }
    },
    entries: () => {
      const out: [string, Provenance][] = [];
      const walk = (node: Node) => {
        if (node.at !== undefined) out.push([node.pointer, node.at]);
        node.children?.forEach(walk);
      };
      walk(root);
      return out;
    },
  };
};
