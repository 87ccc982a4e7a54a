import { ValidationError, type ValidationIssue } from './errors';
import { sortedKeys } from './jsonText';
import {
  FORBIDDEN_KEYS,
  forbiddenKeyIssue,
  isPlainObject,
  write,
  type At,
  type Out,
} from './jsonWalk';

export { FORBIDDEN_KEYS } from './jsonWalk';

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

/** The issues that stop `value` from being canonical JSON; empty when it is fine. */
export const jsonIssues = (value: unknown, basePath = ''): ValidationIssue[] => {
  const issues: ValidationIssue[] = [];
  write(value, undefined, basePath, [], undefined, issues);
  return issues;
};

/**
 * One walk that finds exactly the issues `jsonIssues(value, basePath)` finds and, when `value`
 * is a plain object, writes the canonical JSON of each of its members: the append path stores
 * an event's data and metadata apart and would otherwise walk the event twice. `members` is
 * meaningless when there are issues.
 */
export const serializeMembers = (
  value: unknown,
  basePath = '',
): { members: Map<string, string>; issues: ValidationIssue[] } => {
  const members = new Map<string, string>();
  if (typeof value !== 'object' || value === null || Array.isArray(value) || !isPlainObject(value))
    return { members, issues: jsonIssues(value, basePath) };
  // What `write` does for the object itself, keeping each member's text apart.
  const issues: ValidationIssue[] = [];
  const at: At = { up: undefined, segment: basePath };
  const object = value as Record<string, unknown>;
  for (const key of sortedKeys(object)) {
    if (FORBIDDEN_KEYS.has(key)) {
      issues.push(forbiddenKeyIssue(at, key));
      continue;
    }
    const out: Out = { s: '' };
    write(object[key], at, key, [object], out, issues);
    members.set(key, out.s);
  }
  return { members, issues };
};
