import { isObject, own, type Json, type JsonObject } from './json';
import type { Collection } from './mergeRules';

/** The key of a keyed-array element as a path segment, or undefined when it has none. */
export const elementKey = (element: Json | undefined, key: string): string | undefined => {
  if (!isObject(element)) return undefined;
  const value = own(element, key);
  if (typeof value === 'string') return value;
  return typeof value === 'number' || typeof value === 'boolean' ? String(value) : undefined;
};

/** Element positions by key for long keyed arrays, which never change once built. */
const indexes = new WeakMap<Json[], Map<string, number>>();
const INDEX_FROM = 16;

/** Position of the element whose key is `segment`, or -1. */
const positionOf = (array: Json[], key: string, segment: string): number => {
  if (array.length < INDEX_FROM) return array.findIndex((e) => elementKey(e, key) === segment);
  let index = indexes.get(array);
  if (index === undefined) {
    index = new Map();
    for (let i = array.length - 1; i >= 0; i--) {
      const k = elementKey(array[i], key);
      if (k !== undefined) index.set(k, i);
    }
    indexes.set(array, index);
  }
  return index.get(segment) ?? -1;
};

/** The child of `value` at `segment`; keyed-array elements are found by their key. */
export const childOf = (
  value: Json | undefined,
  segment: string,
  collection: Collection | undefined,
): Json | undefined => {
  if (collection?.kind === 'keyed' && Array.isArray(value)) {
    const at = positionOf(value, collection.key, segment);
    return at < 0 ? undefined : value[at];
  }
  return isObject(value) ? own(value, segment) : undefined;
};

/** A child to put at a segment; `undefined` removes it. */
export type ChildChange = readonly [segment: string, child: Json | undefined];

/**
 * `container` with its child at `segment` replaced (removed when undefined; a new keyed
 * element goes to the end). Copies the container unless `inPlace`.
 */
export const withChild = (
  container: JsonObject | Json[],
  segment: string,
  child: Json | undefined,
  collection: Collection | undefined,
  inPlace = false,
): JsonObject | Json[] => {
  if (Array.isArray(container)) {
    const key = collection?.kind === 'keyed' ? collection.key : '';
    const at = positionOf(container, key, segment);
    const index = indexes.get(container);
    const out = inPlace ? container : container.slice();
    if (child !== undefined && at >= 0 && elementKey(child, key) === segment) {
      out[at] = child;
      // Same keys at the same positions: the copy shares the index, so cost stays per path.
      if (index !== undefined) indexes.set(out, index);
      return out;
    }
    indexes.delete(out);
    if (child === undefined) {
      if (at >= 0) out.splice(at, 1);
    } else if (at >= 0) out[at] = child;
    else out.push(child);
    return out;
  }
  const out = inPlace ? container : { ...container };
  if (child === undefined) delete out[segment];
  else out[segment] = child;
  return out;
};

/** `container` with several children replaced, copied once. */
export const withChildren = (
  container: JsonObject | Json[],
  changes: readonly ChildChange[],
  collection: Collection | undefined,
): JsonObject | Json[] => {
  let out = container;
  changes.forEach(([segment, child], i) => {
    out = withChild(out, segment, child, collection, i > 0);
  });
  return out;
};

/** Whether `value` can hold children addressed by segment under `collection`. */
export const isContainer = (value: Json | undefined, collection: Collection | undefined) =>
  collection?.kind === 'keyed' ? Array.isArray(value) : isObject(value);
