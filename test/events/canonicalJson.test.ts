import fc from 'fast-check';
import { canonicalJson, jsonIssues, serializeMembers } from '../../src/events/canonicalJson';
import { ValidationError } from '../../src/events/errors';
import { jsonValue } from '../support/arbitraries';

const shuffleKeys = (value: unknown, seed: number): unknown => {
  if (Array.isArray(value)) return value.map((v) => shuffleKeys(v, seed));
  if (value === null || typeof value !== 'object') return value;
  const entries = Object.entries(value);
  const rotated = entries.map((_, i) => entries[(i + seed) % entries.length]!);
  return Object.fromEntries(rotated.reverse().map(([k, v]) => [k, shuffleKeys(v, seed + 1)]));
};

describe('canonicalJson', () => {
  it('sorts keys at every depth', () => {
    expect(canonicalJson({ b: 1, a: { d: [{ z: 1, y: 2 }], c: null } })).toBe(
      '{"a":{"c":null,"d":[{"y":2,"z":1}]},"b":1}',
    );
  });

  it('gives the same text whatever order the keys were built in', () => {
    fc.assert(
      fc.property(jsonValue(), fc.nat(50), (value, seed) => {
        expect(canonicalJson(shuffleKeys(value, seed))).toBe(canonicalJson(value));
      }),
    );
  });

  it('round-trips through JSON.parse to an equal value', () => {
    fc.assert(
      fc.property(jsonValue(), (value) => {
        // -0 has no JSON form; it reads back as 0.
        expect(JSON.parse(canonicalJson(value))).toEqual(JSON.parse(JSON.stringify(value)));
      }),
    );
  });

  it.each([
    ['undefined', { a: undefined }, '/a', 'undefined'],
    ['NaN', { a: [1, Number.NaN] }, '/a/1', 'NaN'],
    ['Infinity', Number.POSITIVE_INFINITY, '', 'Infinity'],
    ['a Date', { when: new Date(0) }, '/when', 'Date'],
    ['a Map', { m: new Map() }, '/m', 'Map'],
    ['a class instance', { x: new (class Point {})() }, '/x', 'Point'],
    ['a function', { f: () => 1 }, '/f', 'function'],
    ['a bigint', { n: 1n }, '/n', 'bigint'],
  ])('rejects %s, naming the path', (_label, value, path, received) => {
    expect(() => canonicalJson(value)).toThrow(ValidationError);
    try {
      canonicalJson(value);
    } catch (error) {
      expect((error as ValidationError).issues).toEqual([
        expect.objectContaining({ path, received }),
      ]);
    }
  });

  it('rejects cycles', () => {
    const a: Record<string, unknown> = { b: {} };
    (a.b as Record<string, unknown>).back = a;
    expect(() => canonicalJson(a)).toThrow(/at "\/b\/back": the value refers to itself/);
  });

  it.each(['__proto__', 'constructor', 'prototype'])('rejects the prototype key %s', (key) => {
    const polluted = JSON.parse(`{"ok":1,"nested":{"${key}":{"admin":true}}}`) as unknown;
    expect(() => canonicalJson(polluted)).toThrow(new RegExp(`at "/nested/${key}"`));
  });

  it('lists every issue, not just the first', () => {
    expect(() => canonicalJson({ a: Number.NaN, b: undefined })).toThrow(/"\/a".*"\/b"/);
  });

  it('serialises members in the walk that finds exactly what jsonIssues finds', () => {
    const anything = fc.anything({
      withBigInt: true,
      withDate: true,
      withMap: true,
      withNullPrototype: true,
      withObjectString: true,
      withSparseArray: true,
      withUnicodeString: true,
    });
    const plainOrNot = fc.oneof(anything, fc.dictionary(fc.string(), anything), jsonValue());
    fc.assert(
      fc.property(plainOrNot, fc.constantFrom('', '/events/3'), (value, base) => {
        const { members, issues } = serializeMembers(value, base);
        expect(issues).toEqual(jsonIssues(value, base));
        if (issues.length === 0 && members.size > 0)
          for (const [key, text] of members)
            expect(text).toBe(canonicalJson((value as Record<string, unknown>)[key]));
      }),
    );
  });

  it('reports prototype keys and cycles among the members as jsonIssues does', () => {
    const cyclic: Record<string, unknown> = { a: 1 };
    cyclic.b = { back: cyclic };
    for (const value of [JSON.parse('{"b":1,"__proto__":{}}') as unknown, cyclic]) {
      const { issues } = serializeMembers(value, '/e');
      expect(issues).toHaveLength(1);
      expect(issues).toEqual(jsonIssues(value, '/e'));
    }
  });
});
