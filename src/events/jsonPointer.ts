/** RFC 6901 JSON pointers: `""` is the whole document, `/a/0/b~1c` walks a, 0, "b/c". */

export const escapeSegment = (segment: string | number): string =>
  String(segment).replace(/~/g, '~0').replace(/\//g, '~1');

export const formatPointer = (segments: readonly (string | number)[]): string =>
  segments.map((s) => `/${escapeSegment(s)}`).join('');

/** The segments of a pointer, or `undefined` when it is not a valid pointer. */
export const parsePointer = (pointer: string): string[] | undefined => {
  if (pointer === '') return [];
  if (!pointer.startsWith('/')) return undefined;
  const segments = pointer.slice(1).split('/');
  // A "~" must be followed by 0 or 1.
  if (segments.some((s) => /~[^01]|~$/.test(s))) return undefined;
  return segments.map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));
};
