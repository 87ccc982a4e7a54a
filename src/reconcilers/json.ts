/** JSON values as the merge sees them; `undefined` stands for "nothing at this path". */
export type Json = null | boolean | number | string | Json[] | JsonObject;
export interface JsonObject {
  [key: string]: Json;
}

export const isObject = (value: Json | undefined): value is JsonObject =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * The own property `key` of an object, never one reached through its prototype. JSON values
 * are never functions, and everything a plain object inherits is a function except
 * `__proto__`, so this needs no (slower) own-property lookup.
 */
export const own = (object: JsonObject, key: string): Json | undefined => {
  const value: unknown = object[key];
  return typeof value === 'function' || key === '__proto__'
    ? undefined
    : (value as Json | undefined);
};

/**
 * Deep equality of JSON values, blind to object key order; shared subtrees compare in O(1).
 * Plain loops: verify and the merge call it for every version, and they are about a third
 * cheaper than `every` with a callback.
 */
export const jsonEqual = (a: Json | undefined, b: Json | undefined): boolean => {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a)) {
    if (!Array.isArray(b) || a.length !== b.length) return false;
    for (let i = 0; i < a.length; i++) if (!jsonEqual(a[i], b[i])) return false;
    return true;
  }
  if (Array.isArray(b)) return false;
  const keys = Object.keys(a);
  if (keys.length !== Object.keys(b).length) return false;
  for (const key of keys) if (!jsonEqual(a[key], own(b, key))) return false;
  return true;
};
