import * as E from 'fp-ts/Either';
import { jsonIssues } from '../events/canonicalJson';
import { ValidationError, type ValidationIssue } from '../events/errors';
import { formatPointer, parsePointer } from '../events/jsonPointer';
import { opPathIssue } from '../events/parseEvent';
import type { Op } from '../events/schemas/ops';
import { childOf, elementKey, withChild } from './containers';
import { isObject, jsonEqual, type Json, type JsonObject } from './json';
import type { Collection, CompiledRules } from './mergeRules';
import { shapeIssues } from './shapeIssues';
import { emptyTouched, touch, type TouchedNode } from './touchedPaths';

/** A branch's result: its base with its ops applied, and the paths the ops touched. */
export interface AppliedOps {
  doc: JsonObject;
  touched: TouchedNode;
}

interface Applying {
  rules: CompiledRules;
  owned: Set<object>;
}

/** Thrown inside one op, caught per op: never escapes `applyOps`. */
class OpFailure extends Error {
  constructor(
    readonly expected: string,
    readonly received: string,
    message: string,
  ) {
    super(message);
  }
}

/**
 * Applies a branch's ops to its base without changing the base (untouched subtrees are
 * shared). Every op that cannot apply (bad pointer, prototype key, non-JSON value, wrong
 * container, missing target, shape mismatch) is reported with its index and path.
 */
export const applyOps = (
  base: JsonObject,
  ops: readonly Op[],
  rules: CompiledRules,
): E.Either<ValidationError, AppliedOps> => {
  const touched = emptyTouched();
  // Containers copied during this call, safe to change in place: each path is copied once.
  const ctx: Applying = { rules, owned: new Set() };
  const issues: ValidationIssue[] = [];
  let doc = base;
  ops.forEach((op, index) => {
    try {
      const result = applyOne(doc, op, ctx);
      doc = result.doc;
      touch(touched, result.path, op.confidence);
    } catch (error) {
      if (!(error instanceof OpFailure)) throw error;
      issues.push({
        path: op.path,
        expected: error.expected,
        received: error.received,
        message: `op ${index} (${op.op} "${op.path}"): ${error.message}`,
      });
    }
  });
  return issues.length > 0
    ? E.left(new ValidationError(issues, 'ops do not apply'))
    : E.right({ doc, touched });
};

const describe = (value: Json | undefined): string =>
  value === undefined
    ? 'nothing'
    : value === null
      ? 'null'
      : Array.isArray(value)
        ? 'an array'
        : typeof value;

const checkValue = (
  value: Json,
  path: readonly string[],
  pointer: string,
  rules: CompiledRules,
) => {
  const found = [...jsonIssues(value, pointer), ...shapeIssues(value, path, rules)];
  const first = found[0];
  if (first !== undefined)
    throw new OpFailure(first.expected, first.received, `${first.path}: ${first.message}`);
};

const applyOne = (doc: JsonObject, op: Op, ctx: Applying) => {
  const { rules } = ctx;
  const path = parsePointer(op.path);
  if (path === undefined)
    throw new OpFailure('a JSON pointer', JSON.stringify(op.path), 'not a pointer');
  const unusable = opPathIssue(path);
  if (unusable !== undefined)
    throw new OpFailure(unusable.expected, unusable.received, unusable.message);
  const target = rules.collectionAt(path);
  switch (op.op) {
    case 'set':
      checkValue(op.value, path, op.path, rules);
      return {
        doc: updateNode(doc, path, ctx, (_, collection) =>
          setChild(op.value, path.at(-1)!, collection),
        ),
        path,
      };
    case 'unset':
      return { doc: updateNode(doc, path, ctx, (current) => unsetChild(current)), path };
    case 'upsert': {
      const keyed = requireKind(target, 'keyed', 'upsert');
      const key = elementKey(op.value, keyed.key);
      if (key === undefined)
        throw new OpFailure(
          `an element with a scalar "${keyed.key}"`,
          'none',
          'the element has no key',
        );
      checkValue(op.value, [...path, key], op.path, rules);
      const next = updateNode(doc, path, ctx, (current) =>
        withChild(asArray(current), key, op.value, keyed),
      );
      return { doc: next, path: [...path, key] };
    }
    case 'remove':
      return removeMember(doc, path, op.key, target, ctx);
    case 'add': {
      requireKind(target, 'set', 'add');
      const next = updateNode(doc, path, ctx, (current) => {
        const members = asArray(current);
        return members.some((m) => jsonEqual(m, op.value)) ? members : [...members, op.value];
      });
      return { doc: next, path };
    }
  }
};

const setChild = (value: Json, segment: string, parentCollection: Collection | undefined) => {
  if (parentCollection?.kind === 'keyed' && elementKey(value, parentCollection.key) !== segment)
    throw new OpFailure(
      `an element whose "${parentCollection.key}" is ${JSON.stringify(segment)}`,
      describe(value),
      'an element must keep its key',
    );
  return value;
};

const unsetChild = (current: Json | undefined): undefined => {
  if (current === undefined) throw new OpFailure('a value to unset', 'nothing', 'nothing there');
  return undefined;
};

const asArray = (current: Json | undefined): Json[] => {
  if (current === undefined) return [];
  if (!Array.isArray(current)) throw new OpFailure('an array', describe(current), 'not an array');
  return current;
};

const requireKind = <K extends Collection['kind']>(
  c: Collection | undefined,
  kind: K,
  op: string,
) => {
  if (c?.kind !== kind)
    throw new OpFailure(
      `a declared ${kind === 'keyed' ? 'keyed array' : 'set'}`,
      c?.kind ?? 'an undeclared path',
      `${op} needs one`,
    );
  return c as Extract<Collection, { kind: K }>;
};

const removeMember = (
  doc: JsonObject,
  path: string[],
  key: string | number | boolean,
  target: Collection | undefined,
  ctx: Applying,
) => {
  if (target?.kind === 'keyed') {
    const segment = String(key);
    const next = updateNode(doc, path, ctx, (current) => {
      const elements = asArray(current);
      if (childOf(elements, segment, target) === undefined)
        throw new OpFailure(
          `an element with ${target.key} ${JSON.stringify(key)}`,
          'none',
          'no such element',
        );
      return withChild(elements, segment, undefined, target);
    });
    return { doc: next, path: [...path, segment] };
  }
  requireKind(target, 'set', 'remove');
  const next = updateNode(doc, path, ctx, (current) => {
    const members = asArray(current);
    if (!members.some((m) => m === key))
      throw new OpFailure('a member of the set', JSON.stringify(key), 'no such member');
    return members.filter((m) => m !== key);
  });
  return { doc: next, path };
};

type Edit = (
  current: Json | undefined,
  parentCollection: Collection | undefined,
) => Json | undefined;

/** Rebuilds the chain of containers down to `path`, replacing its value with `edit`'s result. */
const updateNode = (
  doc: JsonObject,
  path: readonly string[],
  { rules, owned }: Applying,
  edit: Edit,
): JsonObject => {
  const walk = (node: Json | undefined, depth: number): JsonObject | Json[] => {
    const collection = rules.collectionAt(path, depth);
    const container = requireContainer(node, collection, path, depth);
    const segment = path[depth]!;
    const child = childOf(container, segment, collection);
    const next = depth === path.length - 1 ? edit(child, collection) : walk(child, depth + 1);
    if (owned.has(container)) return withChild(container, segment, next, collection, true);
    const copy = withChild(container, segment, next, collection);
    owned.add(copy);
    return copy;
  };
  return walk(doc, 0) as JsonObject;
};

const requireContainer = (
  node: Json | undefined,
  c: Collection | undefined,
  path: readonly string[],
  depth: number,
) => {
  // Only a failure needs the pointer text.
  const at = () => (depth === 0 ? 'the root' : `"${formatPointer(path.slice(0, depth))}"`);
  if (c?.kind === 'set')
    throw new OpFailure('add or remove on the set', 'a path inside a set', `${at()} is a set`);
  if (c?.kind === 'keyed') {
    if (Array.isArray(node)) return node;
    throw new OpFailure(`a keyed array at ${at()}`, describe(node), 'not a keyed array');
  }
  if (isObject(node)) return node;
  if (Array.isArray(node))
    throw new OpFailure(`an object at ${at()}`, 'an atomic array', 'set the whole array instead');
  throw new OpFailure(
    `an object at ${at()}`,
    describe(node),
    node === undefined ? 'nothing there' : 'cannot hold fields',
  );
};
