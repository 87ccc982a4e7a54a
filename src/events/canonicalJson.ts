import { ValidationError, type ValidationIssue } from './errors';
import { escapeSegment } from './jsonPointer';

/** Keys that would let a parsed document reach an object's prototype. */
export const FORBIDDEN_KEYS: ReadonlySet<string> = new Set([
  '__proto__',
  'constructor',
  'prototype',
]);

const describe = (value: unknown): string => {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  if (typeof value === 'number') return Number.isNaN(value) ? 'NaN' : String(value);
  if (typeof value === 'object')
    return (value.constructor as { name?: string } | undefined)?.name ?? 'object';
  return typeof value;
};

const isPlainObject = (value: object): boolean => {
  const proto: unknown = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
};

/**
 * Serialises a JSON value with object keys in code-unit order (as RFC 8785), so equal
 * documents give equal strings and equal hashes whatever order their keys were built in.
 * Rejects, with every offending path: undefined, functions, symbols, bigints, non-finite
 * numbers, non-plain objects (Date, Map, class instances), cycles, and prototype keys.
 */
export const canonicalJson = (value: unknown): string => {
  const issues: ValidationIssue[] = [];
  const out: Out = { s: '' };
  write(value, undefined, '', [], out, issues);
  if (issues.length > 0) throw new ValidationError(issues, 'not canonical JSON');
  return out.s;
};

/**
 * Canonical JSON of `value` and the issues that stop it being JSON, from one walk; `json` is
 * meaningless when there are issues. Paths are reported below `basePath`.
 */
export const serializeChecked = (
  value: unknown,
  basePath: string,
): { json: string; issues: ValidationIssue[] } => {
  const issues: ValidationIssue[] = [];
  const out: Out = { s: '' };
  write(value, undefined, basePath, [], out, issues);
  return { json: out.s, issues };
};

/** The issues that stop `value` from being canonical JSON; empty when it is fine. */
export const jsonIssues = (value: unknown, basePath = ''): ValidationIssue[] => {
  const issues: ValidationIssue[] = [];
  write(value, undefined, basePath, [], undefined, issues);
  return issues;
};

/**
 * Where the walk is, as a linked list of segments: the pointer text is built only when an
 * issue is reported, not for every key of every valid event.
 */
/** The text written so far: string concatenation (ropes) beats push-and-join here. */
interface Out {
  s: string;
}

interface At {
  up: At | undefined;
  /** The base pointer at the root; a raw (unescaped) segment or an index below it. */
  segment: string | number;
}

const pointerOf = (at: At): string =>
  at.up === undefined ? String(at.segment) : `${pointerOf(at.up)}/${escapeSegment(at.segment)}`;

const issue = (at: At, received: string, message: string): ValidationIssue => ({
  path: pointerOf(at),
  expected: 'a JSON value',
  received,
  message,
});

/** `at` is built lazily by `{ up, segment }`: leaves (most values) never allocate one. */
function write(
  value: unknown,
  up: At | undefined,
  segment: string | number,
  ancestors: object[],
  out: Out | undefined,
  issues: ValidationIssue[],
): void {
  switch (typeof value) {
    case 'string':
    case 'boolean':
      if (out) out.s += JSON.stringify(value);
      return;
    case 'number':
      if (!Number.isFinite(value))
        issues.push(issue({ up, segment }, describe(value), 'numbers must be finite'));
      else if (out) out.s += JSON.stringify(value);
      return;
    case 'object':
      if (value === null) {
        if (out) out.s += 'null';
        return;
      }
      // The ancestor chain is short: a linear scan beats a Set on this hot path.
      if (ancestors.includes(value)) {
        issues.push(issue({ up, segment }, 'a cycle', 'the value refers to itself'));
        return;
      }
      ancestors.push(value);
      if (Array.isArray(value)) writeArray(value, { up, segment }, ancestors, out, issues);
      else if (isPlainObject(value))
        writeObject(value as Record<string, unknown>, { up, segment }, ancestors, out, issues);
      else issues.push(issue({ up, segment }, describe(value), 'only plain objects are JSON'));
      ancestors.pop();
      return;
    default:
      issues.push(issue({ up, segment }, describe(value), `${typeof value} is not JSON`));
  }
}

function writeArray(
  value: readonly unknown[],
  at: At,
  ancestors: object[],
  out: Out | undefined,
  issues: ValidationIssue[],
): void {
  if (out) out.s += '[';
  for (let i = 0; i < value.length; i++) {
    if (i > 0 && out) out.s += ',';
    write(value[i], at, i, ancestors, out, issues);
  }
  if (out) out.s += ']';
}

function writeObject(
  value: Record<string, unknown>,
  at: At,
  ancestors: object[],
  out: Out | undefined,
  issues: ValidationIssue[],
): void {
  if (out) out.s += '{';
  let first = true;
  for (const key of Object.keys(value).sort()) {
    if (FORBIDDEN_KEYS.has(key)) {
      issues.push({
        path: pointerOf({ up: at, segment: key }),
        expected: 'a key other than __proto__, constructor or prototype',
        received: JSON.stringify(key),
        message: 'prototype keys are not allowed',
      });
      continue;
    }
    if (!first && out) out.s += ',';
    first = false;
    if (out) out.s += JSON.stringify(key) + ':';
    write(value[key], at, key, ancestors, out, issues);
  }
  if (out) out.s += '}';
}
