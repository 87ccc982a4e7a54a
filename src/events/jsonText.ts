/**
 * The small pieces canonical JSON is built from, each cheaper than the general-purpose call
 * it replaces: the append path serialises every event, and these were most of that time.
 */

/** What JSON.stringify escapes in a string: quote, backslash, controls and surrogates. */
// eslint-disable-next-line no-control-regex -- control characters are exactly what it looks for
const NEEDS_ESCAPE = /["\\\u0000-\u001f\ud800-\udfff]/;

/**
 * `JSON.stringify(text)`. Most strings need no escaping, and testing for that is cheaper than
 * the call; a string with any surrogate (paired or not) still goes through JSON.stringify.
 */
export const quote = (text: string): string =>
  NEEDS_ESCAPE.test(text) ? JSON.stringify(text) : `"${text}"`;

/** Largest number of `"key":` prefixes kept, so documents with ever-new keys cannot grow it. */
const MAX_PREFIXES = 4096;
const prefixes = new Map<string, string>();

/** `"key":`, remembered: documents reuse the same few keys (op, path, value, eventId...). */
export const memberPrefix = (key: string): string => {
  let prefix = prefixes.get(key);
  if (prefix === undefined) {
    prefix = `${quote(key)}:`;
    if (prefixes.size >= MAX_PREFIXES) prefixes.clear();
    prefixes.set(key, prefix);
  }
  return prefix;
};

/**
 * `strings.sort()`, in place: UTF-16 code-unit order, the order RFC 8785 asks for and the one
 * both `Array#sort` and `<` on strings use. Most objects have a handful of keys and a promotion
 * sorts a few paths: for those an insertion sort is about three times cheaper than
 * `Array#sort`, and allocates nothing (`Array#sort` allocates its working state on every call).
 */
export const sortStrings = (strings: string[]): string[] => {
  if (strings.length > 16) return strings.sort();
  for (let i = 1; i < strings.length; i++) {
    const s = strings[i]!;
    let j = i - 1;
    for (; j >= 0 && strings[j]! > s; j--) strings[j + 1] = strings[j]!;
    strings[j + 1] = s;
  }
  return strings;
};

/** An object's own enumerable keys in UTF-16 code-unit order. */
export const sortedKeys = (value: object): string[] => sortStrings(Object.keys(value));
