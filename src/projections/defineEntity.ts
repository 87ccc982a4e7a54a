import type { z } from 'zod';
import { ValidationError, type ValidationIssue } from '../events/errors';
import { EntityType as EntityTypeName, Phase } from '../events/schemas/common';
import { compileMergeRules, type CompiledRules, type MergeRules } from '../reconcilers/mergeRules';
import type { JsonObject } from '../reconcilers/json';
import { compilePattern, type PathPattern } from '../reconcilers/pathPatterns';

/** Everything a domain declares about one entity type, in one place. */
export interface EntityDefinition<S extends z.ZodType = z.ZodType> extends MergeRules {
  /** Lowercase type name, e.g. `invoice`; no "-" (stream names split on it). */
  type: string;
  /** The document schema; the promotion gate parses candidates with it. */
  schema: S;
  /**
   * Fields holding the id of another entity, by path pattern: `{ '/vendorId': 'vendor' }`.
   * A string value is one reference; an array of strings is one per member.
   */
  references?: Readonly<Record<string, string>>;
  /**
   * Paths that must hold a value once a phase's work is promoted: `{ enrichment: ['/vat'] }`.
   */
  completeness?: Readonly<Record<string, readonly string[]>>;
  /**
   * Whether a head document means the entity was removed (e.g. `doc.status === 'removed'`);
   * references to a removed entity are orphaned links. @defaultValue never removed
   */
  removed?: (doc: JsonObject) => boolean;
  /**
   * `auto`: the promoter seals a phase of an entity at its head once every branch of that
   * phase has ended; `explicit`: only `sealPhase` does. @defaultValue 'explicit'
   */
  sealPhases?: 'auto' | 'explicit';
}

export interface ReferenceField {
  pattern: PathPattern;
  targetType: string;
}

/** A checked, compiled entity definition. */
export interface EntityType<S extends z.ZodType = z.ZodType> {
  type: string;
  schema: S;
  rules: CompiledRules;
  phases: readonly string[];
  references: readonly ReferenceField[];
  completeness: Readonly<Record<string, readonly string[]>>;
  removed?: (doc: JsonObject) => boolean;
  sealPhases: 'auto' | 'explicit';
}

/** Checks a definition (every problem at once) and compiles its patterns and rules. */
export const defineEntity = <S extends z.ZodType>(
  definition: EntityDefinition<S>,
): EntityType<S> => {
  const issues = definitionIssues(definition);
  if (issues.length > 0)
    throw new ValidationError(issues, `invalid entity type "${String(definition.type)}"`);
  return {
    type: definition.type,
    schema: definition.schema,
    rules: compileMergeRules(definition),
    phases: definition.phases ?? [],
    references: Object.entries(definition.references ?? {}).map(([path, targetType]) => ({
      pattern: compilePattern(path),
      targetType,
    })),
    completeness: definition.completeness ?? {},
    sealPhases: definition.sealPhases ?? 'explicit',
    ...(definition.removed === undefined ? {} : { removed: definition.removed }),
  };
};

const definitionIssues = (d: EntityDefinition): ValidationIssue[] => {
  const issues: ValidationIssue[] = [];
  const bad = (path: string, expected: string, received: unknown) =>
    issues.push({
      path,
      expected,
      received: JSON.stringify(received) ?? 'undefined',
      message: `expected ${expected}`,
    });
  if (!EntityTypeName.safeParse(d.type).success)
    bad('/type', 'an entity type like "invoice"', d.type);
  if (typeof (d.schema as { safeParse?: unknown } | undefined)?.safeParse !== 'function')
    bad('/schema', 'a zod schema', typeof d.schema);
  (d.phases ?? []).forEach((phase, i) => {
    if (!Phase.safeParse(phase).success)
      bad(`/phases/${i}`, 'a phase name like "enrichment"', phase);
  });
  for (const [path, target] of Object.entries(d.references ?? {}))
    if (!EntityTypeName.safeParse(target).success)
      bad(`/references${path}`, 'an entity type', target);
  for (const phase of Object.keys(d.completeness ?? {}))
    if (!(d.phases ?? []).includes(phase)) bad(`/completeness/${phase}`, 'a declared phase', phase);
  return issues;
};

/** Entity types by name. */
export type EntityRegistry = ReadonlyMap<string, EntityType>;

export const createRegistry = (types: readonly EntityType[]): EntityRegistry => {
  const registry = new Map<string, EntityType>();
  for (const t of types) {
    if (registry.has(t.type))
      throw new ValidationError([
        {
          path: '',
          expected: 'distinct entity types',
          received: t.type,
          message: 'declared twice',
        },
      ]);
    registry.set(t.type, t);
  }
  // A reference to a type nobody declared never resolves: every branch setting it would be
  // quarantined as DANGLING_REFERENCE. Most likely a typo; said at start instead.
  const issues: ValidationIssue[] = [];
  for (const t of types)
    for (const r of t.references)
      if (!registry.has(r.targetType))
        issues.push({
          path: `/${t.type}/references${r.pattern.source}`,
          expected: `a declared entity type (${[...registry.keys()].join(', ')})`,
          received: JSON.stringify(r.targetType),
          message: 'references an entity type that is not declared',
        });
  if (issues.length > 0) throw new ValidationError(issues, 'invalid entity types');
  return registry;
};
