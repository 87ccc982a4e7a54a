import { ValidationError, type ValidationIssue } from '../events/errors';
import type { Json } from './json';
import { createPathTable } from './pathPatterns';

/** An array merged element by element, elements matched by the value of their `key` field. */
export interface KeyedArray {
  kind: 'keyed';
  key: string;
}
/** An array of scalars merged as a set: union, with each side's removals honoured. */
export interface SetArray {
  kind: 'set';
}
export type Collection = KeyedArray | SetArray;

/** Who wrote a value: the branch(es), their phase and actor, and the confidence they gave. */
export interface Provenance {
  branchIds: readonly string[];
  phase: string;
  actor: string;
  confidence?: number;
}

/** A path both sides changed differently, as a policy sees it. */
export interface ConflictInput {
  path: string;
  base: Json | undefined;
  ours: Json | undefined;
  theirs: Json | undefined;
  oursBy: Provenance;
  theirsBy: Provenance;
}

/** What a custom policy returns: a chosen value (`undefined` deletes the path) or a reason. */
export type CustomResolution = { chosen: Json | undefined } | { unresolved: string };

/**
 * How a conflict at a path is resolved. There is no last-write-wins: a conflict no policy
 * resolves stays unresolved, and the branch goes to quarantine.
 */
export type Policy =
  /** The later phase in `phases` wins; equal phases stay unresolved. */
  | { rule: 'priority'; by: 'phase' }
  /** The actor listed first in `ranks` wins; unlisted actors rank last; ties stay unresolved. */
  | { rule: 'priority'; by: 'actor'; ranks: readonly string[] }
  /**
   * The higher confidence wins (a value given without one counts as 1); ties stay unresolved.
   * A branch's change below `minConfidence` is discarded even when nothing conflicts with it.
   */
  | { rule: 'confidence'; minConfidence?: number }
  /** A pure function of the conflict; `name` is recorded in each decision's rule. */
  | { rule: 'custom'; name: string; resolve: (conflict: ConflictInput) => CustomResolution }
  | { rule: 'reject' };

/** What the merge needs to know about an entity type's shape and rules. */
export interface MergeRules {
  /** Arrays that are not atomic, by path pattern: `{ '/lines': { key: 'sku' }, '/tags': 'set' }`. */
  collections?: Readonly<Record<string, { key: string } | 'set'>>;
  /** Conflict policies by path pattern; a pattern covers its descendants. @defaultValue reject */
  policies?: Readonly<Record<string, Policy>>;
  /** Ordered phases, earliest first. */
  phases?: readonly string[];
}

export interface CompiledRules {
  /** The collection declared at `path` (or at its first `length` segments). */
  collectionAt(path: readonly string[], length?: number): Collection | undefined;
  policyAt(path: readonly string[]): Policy;
  /** Index of a phase in the declared order; -1 when it is not declared. */
  phaseRank(phase: string): number;
  hasCollections: boolean;
}

const REJECT: Policy = { rule: 'reject' };

export const compileMergeRules = (rules: MergeRules): CompiledRules => {
  const issues = ruleIssues(rules);
  if (issues.length > 0) throw new ValidationError(issues, 'invalid merge rules');
  const collections = createPathTable<Collection>(
    Object.fromEntries(
      Object.entries(rules.collections ?? {}).map(([path, c]) => [
        path,
        c === 'set' ? { kind: 'set' } : { kind: 'keyed', key: c.key },
      ]),
    ),
  );
  const policies = createPathTable(rules.policies ?? {});
  const phases = rules.phases ?? [];
  return {
    collectionAt: (path, length) =>
      collections.size === 0 ? undefined : collections.exact(path, length),
    policyAt: (path) => (policies.size === 0 ? REJECT : (policies.nearest(path) ?? REJECT)),
    phaseRank: (phase) => phases.indexOf(phase),
    hasCollections: collections.size > 0,
  };
};

const ruleIssues = (rules: MergeRules): ValidationIssue[] => {
  const issues: ValidationIssue[] = [];
  const bad = (path: string, expected: string, received: unknown, message: string) =>
    issues.push({ path, expected, received: JSON.stringify(received) ?? 'undefined', message });
  for (const [path, c] of Object.entries(rules.collections ?? {}))
    if (c !== 'set' && (typeof c?.key !== 'string' || c.key === ''))
      bad(`/collections${path}`, '"set" or { key: "<field>" }', c, 'not a collection');
  for (const [path, p] of Object.entries(rules.policies ?? {})) {
    const at = `/policies${path}`;
    if (p.rule === 'priority' && p.by === 'phase' && (rules.phases ?? []).length === 0)
      bad(at, 'declared phases', rules.phases, 'priority by phase needs phases');
    if (p.rule === 'priority' && p.by === 'actor' && p.ranks.length === 0)
      bad(at, 'at least one ranked actor', p.ranks, 'priority by actor needs ranks');
    if (
      p.rule === 'confidence' &&
      p.minConfidence !== undefined &&
      !(p.minConfidence >= 0 && p.minConfidence <= 1)
    )
      bad(at, 'a minConfidence in 0..1', p.minConfidence, 'minConfidence out of range');
    if (p.rule === 'custom' && (typeof p.resolve !== 'function' || !p.name))
      bad(at, 'a name and a resolve function', p.name, 'custom policy incomplete');
  }
  const phases = rules.phases ?? [];
  if (new Set(phases).size !== phases.length)
    bad('/phases', 'distinct phase names', phases, 'a phase is declared twice');
  return issues;
};
