import { ValidationError } from '../events/errors';
import { parsePointer } from '../events/jsonPointer';

/**
 * A JSON pointer in which a `*` segment matches any one segment: `/lines/*\/price`.
 * Keyed-array elements are addressed by their key, so `/lines/A-1/price` matches it.
 */
export interface PathPattern {
  readonly source: string;
  readonly segments: readonly string[];
}

export const compilePattern = (source: string): PathPattern => {
  const segments = parsePointer(source);
  if (segments === undefined || segments.length === 0)
    throw new ValidationError([
      {
        path: source,
        expected: 'a JSON pointer pattern like "/lines/*/price"',
        received: JSON.stringify(source),
        message: 'not a path pattern',
      },
    ]);
  return { source, segments };
};

/** Whether `pattern` matches the first `pattern.segments.length` segments of `path`. */
const matchesPrefix = (
  pattern: PathPattern,
  path: readonly string[],
  length = path.length,
): boolean => {
  const { segments } = pattern;
  if (segments.length > length) return false;
  for (let i = 0; i < segments.length; i++)
    if (segments[i] !== '*' && segments[i] !== path[i]) return false;
  return true;
};

/** More segments first, then more literal segments, then the source text: a total order. */
const bySpecificity = (a: PathPattern, b: PathPattern): number =>
  b.segments.length - a.segments.length ||
  wildcards(a) - wildcards(b) ||
  (a.source < b.source ? -1 : a.source > b.source ? 1 : 0);

const wildcards = (p: PathPattern): number => p.segments.filter((s) => s === '*').length;

/** Values looked up by path pattern; the most specific pattern wins. */
export interface PathTable<T> {
  /** The value whose pattern matches `path` (or its first `length` segments) exactly. */
  exact(path: readonly string[], length?: number): T | undefined;
  /** The value whose pattern matches `path` or its nearest ancestor. */
  nearest(path: readonly string[]): T | undefined;
  readonly size: number;
}

export const createPathTable = <T>(entries: Readonly<Record<string, T>>): PathTable<T> => {
  const rows = Object.entries(entries)
    .map(([source, value]) => ({ pattern: compilePattern(source), value }))
    .sort((a, b) => bySpecificity(a.pattern, b.pattern));
  return {
    size: rows.length,
    exact: (path, length = path.length) =>
      rows.find(
        (r) => r.pattern.segments.length === length && matchesPrefix(r.pattern, path, length),
      )?.value,
    nearest: (path) => rows.find((r) => matchesPrefix(r.pattern, path))?.value,
  };
};
