/** RFC 6901 JSON pointers: `""` is the whole document, `/a/0/b~1c` walks a, 0, "b/c". */

export const escapeSegment = (segment: string | number): string => {
  const text = String(segment);
  // Most segments need no escaping; skipping the regexes matters on the merge's hot path.
  return text.includes('~') || text.includes('/')
    ? text.replace(/~/g, '~0').replace(/\//g, '~1')
    : text;
};

export const formatPointer = (segments: readonly (string | number)[]): string =>
  segments.map((s) => `/${escapeSegment(s)}`).join('');

/** The segments of a pointer, or `undefined` when it is not a valid pointer. */
export const parsePointer = (pointer: string): string[] | undefined => {
  if (pointer === '') return [];
  if (!pointer.startsWith('/')) return undefined;
  // A hand-rolled split: about twice as fast as String#split on the merge's hot path.
  const segments: string[] = [];
  for (let start = 1; ;) {
    const end = pointer.indexOf('/', start);
    segments.push(pointer.slice(start, end < 0 ? undefined : end));
    if (end < 0) break;
    start = end + 1;
  }
  if (!pointer.includes('~')) return segments;
  // A "~" must be followed by 0 or 1.
  if (segments.some((s) => /~[^01]|~$/.test(s))) return undefined;
  return segments.map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));
};
