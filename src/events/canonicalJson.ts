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
  const out: string[] = [];
  write(value, '', new Set(), out, issues);
  if (issues.length > 0) throw new ValidationError(issues, 'not canonical JSON');
  return out.join('');
};

/** The issues that stop `value` from being canonical JSON; empty when it is fine. */
export const jsonIssues = (value: unknown, basePath = ''): ValidationIssue[] => {
  const issues: ValidationIssue[] = [];
  write(value, basePath, new Set(), undefined, issues);
  return issues;
};

const issue = (path: string, received: string, message: string): ValidationIssue => ({
  path,
  expected: 'a JSON value',
  received,
  message,
});

function write(
  value: unknown,
  path: string,
  ancestors: Set<object>,
  out: string[] | undefined,
  issues: ValidationIssue[],
): void {
  switch (typeof value) {
    case 'string':
    case 'boolean':
      out?.push(JSON.stringify(value));
      return;
    case 'number':
      if (Number.isFinite(value)) out?.push(JSON.stringify(value));
      else issues.push(issue(path, describe(value), 'numbers must be finite'));
      return;
    case 'object':
      if (value === null) {
        out?.push('null');
        return;
      }
      if (ancestors.has(value)) {
        issues.push(issue(path, 'a cycle', 'the value refers to itself'));
        return;
      }
      ancestors.add(value);
      if (Array.isArray(value)) writeArray(value, path, ancestors, out, issues);
      else if (isPlainObject(value))
        writeObject(value as Record<string, unknown>, path, ancestors, out, issues);
      else issues.push(issue(path, describe(value), 'only plain objects are JSON'));
      ancestors.delete(value);
      return;
    default:
      issues.push(issue(path, describe(value), `${typeof value} is not JSON`));
  }
}

function writeArray(
  value: readonly unknown[],
  path: string,
  ancestors: Set<object>,
  out: string[] | undefined,
  issues: ValidationIssue[],
): void {
  out?.push('[');
  for (let i = 0; i < value.length; i++) {
    if (i > 0) out?.push(',');
    write(value[i], `${path}/${i}`, ancestors, out, issues);
  }
  out?.push(']');
}

function writeObject(
  value: Record<string, unknown>,
  path: string,
  ancestors: Set<object>,
  out: string[] | undefined,
  issues: ValidationIssue[],
): void {
  out?.push('{');
  let first = true;
  for (const key of Object.keys(value).sort()) {
    const childPath = `${path}/${escapeSegment(key)}`;
    if (FORBIDDEN_KEYS.has(key)) {
      issues.push({
        path: childPath,
        expected: 'a key other than __proto__, constructor or prototype',
        received: JSON.stringify(key),
        message: 'prototype keys are not allowed',
      });
      continue;
    }
    if (!first) out?.push(',');
    first = false;
    out?.push(JSON.stringify(key), ':');
    write(value[key], childPath, ancestors, out, issues);
  }
  out?.push('}');
}
