import { sortStrings } from '../events/jsonText';

/**
 * The paths a branch's ops touched, as a tree. A node is `whole` when an op targeted it
 * (its entire value may have changed); otherwise only some descendants were targeted.
 * Confidence is the lowest any op gave at or below a node.
 */
export interface TouchedNode {
  whole: boolean;
  /** Lowest confidence of the ops that targeted this node; undefined when none gave one. */
  own: number | undefined;
  /** Lowest confidence of the ops that targeted this node or a descendant. */
  below: number | undefined;
  /** Undefined until a descendant is touched: most nodes are leaves. */
  children: Map<string, TouchedNode> | undefined;
}

export const emptyTouched = (): TouchedNode => ({
  whole: false,
  own: undefined,
  below: undefined,
  children: undefined,
});

const lower = (a: number | undefined, b: number | undefined) =>
  a === undefined ? b : b === undefined ? a : Math.min(a, b);

export const touch = (root: TouchedNode, path: readonly string[], confidence?: number): void => {
  let node = root;
  node.below = lower(node.below, confidence);
  for (const segment of path) {
    node.children ??= new Map();
    let child = node.children.get(segment);
    if (child === undefined) {
      child = emptyTouched();
      node.children.set(segment, child);
    }
    node = child;
    node.below = lower(node.below, confidence);
  }
  node.whole = true;
  node.own = lower(node.own, confidence);
};

/**
 * The confidence a branch gave the value at `path`: the lowest of the ops that targeted the
 * path, an ancestor of it, or a descendant of it. Undefined when none gave a confidence.
 */
export const confidenceAt = (root: TouchedNode, path: readonly string[]): number | undefined => {
  let node: TouchedNode | undefined = root;
  let result: number | undefined = root.own;
  for (const segment of path) {
    node = node.children?.get(segment);
    if (node === undefined) return result;
    result = lower(result, node.own);
  }
  return lower(result, node.below);
};

/** Every touched path, shallowest first, as segment lists (for overlap reports). */
export const touchedPaths = (root: TouchedNode): string[][] => {
  const out: string[][] = [];
  const walk = (node: TouchedNode, path: string[]) => {
    if (node.whole && path.length > 0) {
      out.push(path);
      return;
    }
    const { children } = node;
    if (children === undefined) return;
    for (const key of sortStrings([...children.keys()])) walk(children.get(key)!, [...path, key]);
  };
  walk(root, []);
  return out;
};
