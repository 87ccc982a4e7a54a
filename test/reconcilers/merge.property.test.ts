import fc from 'fast-check';
import * as E from 'fp-ts/Either';
import { canonicalJson } from '../../src/events/canonicalJson';
import { contentHash } from '../../src/events/hash';
import { parsePointer } from '../../src/events/jsonPointer';
import type { Op } from '../../src/events/schemas/ops';
import type { Decision } from '../../src/events/schemas/entityEvents';
import { applyOps } from '../../src/reconcilers/applyOps';
import type { Conflict } from '../../src/reconcilers/mergeContext';
import { isObject, jsonEqual, type Json, type JsonObject } from '../../src/reconcilers/json';
import { compileMergeRules, type Provenance } from '../../src/reconcilers/mergeRules';
import { mergeDocuments, reconcile, type MergeResult } from '../../src/reconcilers/reconcile';
import { createRandom, type Random } from '../../src/demo/random';

const rules = compileMergeRules({});
const KEYS = ['a', 'b', 'c', 'd'];
const headBy: Provenance = { branchIds: ['01HEAD0000000000000000000A'], phase: 'p', actor: 'head' };
const theirsBy: Provenance = {
  branchIds: ['01BRANCH000000000000000000'],
  phase: 'p',
  actor: 'branch',
};

const value = (r: Random, depth: number): Json => {
  const kind = r.int(0, depth > 0 ? 4 : 2);
  if (kind === 0) return r.int(0, 3);
  if (kind === 1) return r.pick(['x', 'y']);
  if (kind === 2) return r.chance(0.5) ? null : r.chance(0.5);
  if (kind === 3) return [r.int(0, 2), r.int(0, 2)];
  return object(r, depth - 1);
};
const object = (r: Random, depth: number): JsonObject =>
  Object.fromEntries(KEYS.filter(() => r.chance(0.6)).map((k) => [k, value(r, depth)]));

/** A copy of `doc` with random fields deleted, replaced, added and nested objects edited. */
const edit = (doc: JsonObject, r: Random, depth = 3): JsonObject => {
  const out: JsonObject = { ...doc };
  for (const key of KEYS) {
    const current = out[key];
    const roll = r.next();
    if (roll < 0.15) delete out[key];
    else if (roll < 0.3) out[key] = value(r, depth - 1);
    else if (isObject(current) && roll < 0.6) out[key] = edit(current, r, depth - 1);
  }
  return out;
};

/** The same document with every object's keys in reverse insertion order. */
const reversed = (v: Json): Json =>
  Array.isArray(v)
    ? v.map(reversed)
    : isObject(v)
      ? Object.fromEntries(
          Object.entries(v)
            .reverse()
            .map(([k, x]) => [k, reversed(x)]),
        )
      : v;

const triple = fc.integer().map((seed) => {
  const r = createRandom(seed);
  const base = object(r, 3);
  return { base, ours: edit(base, r), theirs: edit(base, r), r };
});

const merge = (base: JsonObject, ours: JsonObject, theirs: JsonObject): MergeResult =>
  mergeDocuments(rules, { base, ours: { doc: ours, by: () => headBy }, theirs, theirsBy });

type Outcome =
  { doc: JsonObject; decisions: Decision[]; conflicts?: Conflict[] } | { invalid: string };

const outcome = (result: MergeResult): Outcome =>
  E.isRight(result)
    ? { doc: result.right.doc, decisions: result.right.decisions }
    : result.left.kind === 'conflicts'
      ? {
          doc: result.left.candidate.doc,
          decisions: result.left.candidate.decisions,
          conflicts: result.left.conflicts,
        }
      : { invalid: result.left.error.message };

const docOf = (result: MergeResult): JsonObject => {
  const o = outcome(result);
  if (!('doc' in o)) throw new Error(o.invalid);
  return o.doc;
};

/** Deepest paths where two documents differ. */
const changedPaths = (a: Json | undefined, b: Json | undefined, path = ''): string[] => {
  if (jsonEqual(a, b)) return [];
  if (!isObject(a) || !isObject(b)) return [path];
  return [...new Set([...Object.keys(a), ...Object.keys(b)])].flatMap((k) =>
    changedPaths(a[k], b[k], `${path}/${k}`),
  );
};

const at = (doc: Json | undefined, path: string): Json | undefined =>
  parsePointer(path)!.reduce<Json | undefined>((v, k) => (isObject(v) ? v[k] : undefined), doc);

const related = (p: string, q: string) => p === q || p.startsWith(`${q}/`) || q.startsWith(`${p}/`);

// Cheap properties: more runs find rare shapes (the same change made to a whole object, ...).
beforeAll(() => fc.configureGlobal({ numRuns: 1000 }));
afterAll(() => fc.resetConfigureGlobal());

describe('three-way merge properties', () => {
  it('merge(base, base, theirs) is theirs', () => {
    fc.assert(
      fc.property(triple, ({ base, theirs }) =>
        expect(docOf(merge(base, base, theirs))).toEqual(theirs),
      ),
    );
  });

  it('merge(base, ours, base) is ours', () => {
    fc.assert(
      fc.property(triple, ({ base, ours }) => expect(docOf(merge(base, ours, base))).toEqual(ours)),
    );
  });

  it('does not depend on key order', () => {
    fc.assert(
      fc.property(triple, ({ base, ours, theirs }) => {
        const straight = outcome(merge(base, ours, theirs));
        const flipped = outcome(
          merge(
            reversed(base) as JsonObject,
            reversed(ours) as JsonObject,
            reversed(theirs) as JsonObject,
          ),
        );
        expect(canonicalJson(flipped)).toBe(canonicalJson(straight));
      }),
    );
  });

  it('loses nothing: every changed path is in the result or in a decision or conflict', () => {
    fc.assert(
      fc.property(triple, ({ base, ours, theirs }) => {
        const o = outcome(merge(base, ours, theirs));
        if (!('doc' in o)) throw new Error(o.invalid);
        const recorded = [...o.decisions, ...(o.conflicts ?? [])].map((d) => d.path);
        for (const [side, paths] of [
          [ours, changedPaths(base, ours)],
          [theirs, changedPaths(base, theirs)],
        ] as const)
          for (const path of paths) {
            const kept = jsonEqual(at(o.doc, path), at(side, path));
            if (!kept) expect(recorded.filter((r) => related(r, path))).not.toHaveLength(0);
          }
      }),
    );
  });

  it('gives the same output and hash for the same input', () => {
    fc.assert(
      fc.property(triple, ({ base, ours, theirs }) => {
        const [first, second] = [
          outcome(merge(base, ours, theirs)),
          outcome(merge(base, ours, theirs)),
        ];
        expect(canonicalJson(second)).toBe(canonicalJson(first));
        expect(contentHash(second)).toBe(contentHash(first));
      }),
    );
  });

  it('merging by ops equals merging the documents the ops produce', () => {
    fc.assert(
      fc.property(triple, ({ base, ours, r }) => {
        const ops = randomOps(base, r);
        const applied = applyOps(base, ops, rules);
        if (E.isLeft(applied)) throw applied.left;
        const byOps = reconcile(rules, {
          base,
          ours: { doc: ours, by: () => headBy },
          ops,
          theirsBy,
        });
        expect(canonicalJson(outcome(byOps))).toBe(
          canonicalJson(outcome(merge(base, ours, applied.right.doc))),
        );
      }),
    );
  });
});

/** Valid set/unset ops on random object paths of a document, each checked as it is added. */
const randomOps = (base: JsonObject, r: Random): Op[] => {
  const ops: Op[] = [];
  let doc = base;
  for (let i = r.int(0, 6); i > 0; i--) {
    const parents = objectPaths(doc);
    const parent = r.pick(parents);
    const key = r.pick(KEYS);
    const op: Op = r.chance(0.3)
      ? { op: 'unset', path: `${parent}/${key}` }
      : { op: 'set', path: `${parent}/${key}`, value: value(r, 1) };
    const next = applyOps(doc, [op], rules);
    if (E.isRight(next)) {
      ops.push(op);
      doc = next.right.doc;
    }
  }
  return ops;
};

const objectPaths = (v: Json, path = ''): string[] =>
  isObject(v)
    ? [path, ...Object.entries(v).flatMap(([k, x]) => objectPaths(x, `${path}/${k}`))]
    : [];
