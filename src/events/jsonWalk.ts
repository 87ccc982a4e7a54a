import type { ValidationIssue } from './errors';
import { escapeSegment } from './jsonPointer';
import { memberPrefix, quote, sortedKeys } from './jsonText';

/**
 * The walk behind canonicalJson, jsonIssues and serializeMembers: writes a value's canonical
 * JSON (when given somewhere to write it) and collects every reason it is not JSON.
 */

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

/** What JSON calls an object: no prototype but Object's (or none). */
export const isPlainObject = (value: object): boolean => {
  const proto: unknown = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
};

/** The text written so far: string concatenation (ropes) beats push-and-join here. */
export interface Out {
  s: string;
}

/**
 * Where the walk is, as a linked list of segments: the pointer text is built only when an
 * issue is reported, not for every key of every valid event.
 */
export interface At {
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
export function write(
  value: unknown,
  up: At | undefined,
  segment: string | number,
  ancestors: object[],
  out: Out | undefined,
  issues: ValidationIssue[],
): void {
  switch (typeof value) {
    case 'string':
      if (out) out.s += quote(value);
      return;
    case 'boolean':
      if (out) out.s += value ? 'true' : 'false';
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
  for (const key of sortedKeys(value)) {
    if (FORBIDDEN_KEYS.has(key)) {
      issues.push(forbiddenKeyIssue(at, key));
      continue;
    }
    if (!first && out) out.s += ',';
    first = false;
    if (out) out.s += memberPrefix(key);
    write(value[key], at, key, ancestors, out, issues);
  }
  if (out) out.s += '}';
}

/** The issue with a prototype key, `key`, of the object at `at`. */
export const forbiddenKeyIssue = (at: At, key: string): ValidationIssue => ({
  path: pointerOf({ up: at, segment: key }),
  expected: 'a key other than __proto__, constructor or prototype',
  received: JSON.stringify(key),
  message: 'prototype keys are not allowed',
});
