import * as E from 'fp-ts/Either';
import type { Op } from '../../src/events/schemas/ops';
import { ValidationError } from '../../src/events/errors';
import { applyOps } from '../../src/reconcilers/applyOps';
import { compileMergeRules } from '../../src/reconcilers/mergeRules';
import { mergeSpec } from '../support/mergeSpec';

const rules = compileMergeRules({ collections: { '/lines': { key: 'sku' }, '/tags': 'set' } });
const base = { name: 'Acme', lines: [{ sku: 'A', qty: 1 }], tags: ['x'], list: [1, 2] };

const issuesOf = (ops: Op[]) => {
  const result = applyOps(base, ops, rules);
  if (E.isRight(result)) throw new Error('expected the ops to be refused');
  expect(result.left).toBeInstanceOf(ValidationError);
  return result.left.issues;
};

describe('ops that do not apply', () => {
  it.each<[string, Op, RegExp]>([
    ['a child of a string', { op: 'set', path: '/name/first', value: 'A' }, /cannot hold fields/],
    ['under a missing parent', { op: 'set', path: '/vendor/name', value: 'A' }, /nothing there/],
    ['inside an atomic array', { op: 'set', path: '/list/0', value: 3 }, /set the whole array/],
    ['inside a set', { op: 'set', path: '/tags/x', value: 'y' }, /is a set/],
    ['a missing field', { op: 'unset', path: '/missing' }, /nothing there/],
    ['the whole document', { op: 'unset', path: '' }, /whole document/],
    ['a prototype key', { op: 'set', path: '/__proto__/polluted', value: true }, /prototype keys/],
    [
      'a prototype key in a value',
      { op: 'set', path: '/x', value: JSON.parse('{"__proto__": 1}') as never },
      /prototype keys/,
    ],
    ['a non-JSON value', { op: 'set', path: '/x', value: Number.NaN }, /finite/],
    [
      'upsert on an undeclared path',
      { op: 'upsert', path: '/name', value: { sku: 'B' } },
      /upsert needs one/,
    ],
    [
      'upsert of an element without its key',
      { op: 'upsert', path: '/lines', value: { qty: 2 } },
      /no key/,
    ],
    ['add to a keyed array', { op: 'add', path: '/lines', value: 'B' }, /add needs one/],
    ['remove of a missing element', { op: 'remove', path: '/lines', key: 'Z' }, /no such element/],
    ['remove of a missing member', { op: 'remove', path: '/tags', key: 'zz' }, /no such member/],
    [
      'a keyed array of the wrong shape',
      { op: 'set', path: '/lines', value: [{ sku: 'A' }, { sku: 'A' }] },
      /distinct/,
    ],
    ['a set of objects', { op: 'set', path: '/tags', value: [{}] }, /scalar members/],
    [
      'an element whose key disagrees with its path',
      { op: 'set', path: '/lines/A', value: { sku: 'B' } },
      /keep its key/,
    ],
  ])('refuses an op on %s, naming the op and the path', (_, op, message) => {
    const [issue] = issuesOf([{ op: 'set', path: '/ok', value: 1 }, op]);
    expect(issue!.path).toBe(op.path);
    expect(issue!.message).toMatch(
      new RegExp(`^op 1 \\(${op.op} "${op.path.replace(/[/]/g, '\\/')}"\\)`),
    );
    expect(issue!.message).toMatch(message);
  });

  it('lists every failing op, not just the first', () => {
    const issues = issuesOf([
      { op: 'unset', path: '/a' },
      { op: 'set', path: '/name', value: 'fine' },
      { op: 'unset', path: '/b' },
    ]);
    expect(issues.map((i) => i.path)).toEqual(['/a', '/b']);
  });

  it('never changes the base and leaves no polluted prototype', () => {
    const before = JSON.stringify(base);
    issuesOf([{ op: 'set', path: '/__proto__/polluted', value: true }]);
    expect(JSON.stringify(base)).toBe(before);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('marks the branch invalid in a merge, with nothing merged', () => {
    const failure = mergeSpec()({ base, head: base })
      .when({ ops: [{ op: 'set', path: '/name/first', value: 'A' }] })
      .thenFailed();
    expect(failure.kind).toBe('invalid');
  });

  it('applies good ops without touching the base', () => {
    const result = applyOps(
      base,
      [
        { op: 'upsert', path: '/lines', value: { sku: 'B', qty: 2 } },
        { op: 'set', path: '/lines/A/qty', value: 5 },
        { op: 'add', path: '/tags', value: 'y' },
        { op: 'add', path: '/tags', value: 'y' },
      ],
      rules,
    );
    expect(E.isRight(result) && result.right.doc).toEqual({
      ...base,
      lines: [
        { sku: 'A', qty: 5 },
        { sku: 'B', qty: 2 },
      ],
      tags: ['x', 'y'],
    });
    expect(base.lines).toEqual([{ sku: 'A', qty: 1 }]);
  });
});

describe('merge rules', () => {
  it('refuses inconsistent declarations with every problem listed', () => {
    expect(() =>
      compileMergeRules({
        policies: {
          '/a': { rule: 'priority', by: 'phase' },
          '/b': { rule: 'confidence', minConfidence: 2 },
          '/c': { rule: 'priority', by: 'actor', ranks: [] },
        },
      }),
    ).toThrow(/priority by phase needs phases.*minConfidence out of range.*needs ranks/);
    expect(() => compileMergeRules({ policies: { 'no-slash': { rule: 'reject' } } })).toThrow(
      ValidationError,
    );
  });
});
