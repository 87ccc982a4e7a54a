import type { ValidationIssue } from '../events/errors';
import { escapeSegment } from '../events/jsonPointer';
import { elementKey } from './containers';
import { isObject, type Json } from './json';
import type { CompiledRules } from './mergeRules';

/**
 * Where `value`, placed at `path`, breaks the declared collections: a keyed array must hold
 * objects with distinct scalar keys, a set distinct scalars.
 */
export const shapeIssues = (
  value: Json,
  path: readonly string[],
  rules: CompiledRules,
): ValidationIssue[] => {
  if (!rules.hasCollections) return [];
  const issues: ValidationIssue[] = [];
  walk(value, [...path], rules, issues);
  return issues;
};

const pointer = (path: readonly string[]) => path.map((s) => `/${escapeSegment(s)}`).join('');

const walk = (
  value: Json,
  path: string[],
  rules: CompiledRules,
  issues: ValidationIssue[],
): void => {
  const collection = rules.collectionAt(path);
  const fail = (expected: string, received: string): void => {
    issues.push({
      path: pointer(path),
      expected,
      received,
      message: `does not fit its declared shape: expected ${expected}`,
    });
  };
  if (collection?.kind === 'set') {
    if (!Array.isArray(value)) return fail('a set (array of scalars)', typeof value);
    if (value.some((m) => typeof m === 'object' && m !== null))
      fail('scalar members', 'an object or array');
    else if (new Set(value.map((m) => JSON.stringify(m))).size !== value.length)
      fail('distinct members', 'a duplicate');
    return;
  }
  if (collection?.kind === 'keyed') {
    if (!Array.isArray(value)) return fail(`an array keyed by "${collection.key}"`, typeof value);
    const keys = value.map((e) => elementKey(e, collection.key));
    if (keys.some((k) => k === undefined))
      return fail(
        `elements that are objects with a scalar "${collection.key}"`,
        'an element without one',
      );
    if (new Set(keys).size !== keys.length)
      return fail(`distinct "${collection.key}" values`, 'a duplicate key');
    value.forEach((e, i) => walk(e, [...path, keys[i]!], rules, issues));
    return;
  }
  if (isObject(value))
    for (const [k, v] of Object.entries(value)) walk(v, [...path, k], rules, issues);
};
