import { isObject, own, type Json, type JsonObject } from './json';
import type { Collection } from './mergeRules';

/** The key of a keyed-array element as a path segment, or undefined when it has none. */
export const elementKey = (element: Json | undefined, key: string): string | undefined => {
  if (!isObject(element)) return undefined;
  const value = own(element, key);
  return typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean'
    ? String(value)
    : undefined;
};

/** A set member as a path segment and as a comparable string. */
export const memberKey = (member: Json): string => JSON.stringify(member);

/** The child of `value` at `segment`; keyed-array elements are found by their key. */
export const childOf = (
  value: Json | undefined,
  segment: string,
  collection: Collection | undefined,
): Json | undefined => {
  if (collection?.kind === 'keyed' && Array.isArray(value))
    return value.find((e) => elementKey(e, collection.key) === segment);
  return isObject(value) ? own(value, segment) : undefined;
};

/**
 * A copy of `container` with its child at `segment` replaced by `child` (removed when
 * undefined; a new keyed element goes to the end). `container` itself is never changed.
 */
export const withChild = (
  container: JsonObject | Json[],
  segment: string,
  child: Json | undefined,
  collection: Collection | undefined,
): JsonObject | Json[] => {
  if (Array.isArray(container)) {
    const key = collection?.kind === 'keyed' ? collection.key : '';
    const at = container.findIndex((e) => elementKey(e, key) === segment);
    const copy = container.slice();
    if (child === undefined) {
      if (at >= 0) copy.splice(at, 1);
    } else if (at >= 0) copy[at] = child;
    else copy.push(child);
    return copy;
  }
  const copy = { ...container };
  if (child === undefined) delete copy[segment];
  else copy[segment] = child;
  return copy;
};

/** Whether `value` can hold children addressed by segment under `collection`. */
export const isContainer = (value: Json | undefined, collection: Collection | undefined) =>
  collection?.kind === 'keyed' ? Array.isArray(value) : isObject(value);
