import { formatIssue } from '../events/errors';
import { mutationDigest } from '../events/hash';
import { formatPointer, parsePointer } from '../events/jsonPointer';
import { isObject, own, type Json, type JsonObject } from '../reconcilers/json';
import { referencesIn } from '../projections/references';
import type { GateInput } from './gateInput';
import { violation, type Violation } from './violation';

/** One gate check: every violation it finds in a candidate (empty when it passes). */
export type Check = (input: GateInput, doc: JsonObject | undefined) => Violation[];

const name = (e: { type: string; id: string }) => `${e.type}/${e.id}`;

/** The candidate must parse with the entity type's schema; the branch's ops must apply. */
export const schemaIntegrity: Check = ({ entityType, reconciliation }, doc) => {
  const { result } = reconciliation;
  if (result._tag === 'Left' && result.left.kind === 'invalid')
    return result.left.error.issues.map((i) => violation('SCHEMA_INVALID', i.path, formatIssue(i)));
  if (doc === undefined) return [];
  const parsed = entityType.schema.safeParse(doc);
  if (parsed.success) return [];
  return parsed.error.issues.map((i) =>
    violation('SCHEMA_INVALID', formatPointer(i.path.map(String)), i.message),
  );
};

/** Paths no policy resolved. */
export const unresolvedConflicts: Check = ({ reconciliation: { result } }) =>
  result._tag === 'Left' && result.left.kind === 'conflicts'
    ? result.left.conflicts.map((c) =>
        violation(
          'UNRESOLVED_CONFLICT',
          c.path,
          `${c.reason} (rule ${c.rule}; the head's value ${JSON.stringify(c.ours) ?? 'none'}, the branch's ${JSON.stringify(c.theirs) ?? 'none'})`,
        ),
      )
    : [];

/**
 * Declared references must point at promoted entities that are not removed; an entity this
 * candidate removes must not be left referenced by others.
 */
export const referenceValidity: Check = ({ entityType, branch, lookups }, doc) => {
  if (doc === undefined) return [];
  const found = referencesIn(doc, entityType).flatMap((ref) => {
    const head = lookups.head(ref.to);
    if (head === undefined)
      return [violation('DANGLING_REFERENCE', ref.path, `${name(ref.to)} was never promoted`)];
    return head.removed
      ? [violation('ORPHANED_LINK', ref.path, `${name(ref.to)} was removed`)]
      : [];
  });
  if (entityType.removed?.(doc) !== true) return found;
  const left = lookups
    .referencesTo(branch.entity)
    .filter((r) => name(r.from) !== name(branch.entity))
    .map((r) =>
      violation('ORPHANED_LINK', '', `removing it would orphan ${name(r.from)} at ${r.path}`),
    );
  return [...found, ...left];
};

const valueAt = (doc: JsonObject, pointer: string): Json | undefined =>
  (parsePointer(pointer) ?? []).reduce<Json | undefined>(
    (v, k) => (isObject(v) ? own(v, k) : undefined),
    doc,
  );

/** The commit must match what was recorded, and the phase's required fields must be there. */
export const partialWrite: Check = ({ branch, mutations, entityType }, doc) => {
  const out: Violation[] = [];
  if (branch.flaw !== null) out.push(violation('PARTIAL_WRITE', '', branch.flaw));
  if (branch.commitCount !== null && branch.commitCount !== mutations.length)
    out.push(
      violation(
        'PARTIAL_WRITE',
        '',
        `the commit counts ${branch.commitCount} mutations, ${mutations.length} were recorded`,
      ),
    );
  if (branch.commitDigest !== null && branch.commitDigest !== mutationDigest(mutations))
    out.push(
      violation('PARTIAL_WRITE', '', 'the commit digest does not match the recorded mutations'),
    );
  if (doc !== undefined)
    for (const path of entityType.completeness[branch.phase] ?? [])
      if (valueAt(doc, path) === undefined)
        out.push(
          violation('PARTIAL_WRITE', path, `required once phase "${branch.phase}" is promoted`),
        );
  return out;
};

/** The branch's phase must be declared and open, and must start after earlier phases' seals. */
export const phaseOrder: Check = ({ branch, entityType, lookups }) => {
  const { phases } = entityType;
  if (phases.length === 0) return [];
  const rank = phases.indexOf(branch.phase);
  if (rank < 0)
    return [
      violation(
        'PHASE_VIOLATION',
        '',
        `phase "${branch.phase}" is not declared for ${entityType.type}`,
      ),
    ];
  const out: Violation[] = [];
  const sealed = lookups.seal(branch.entity, branch.phase);
  if (sealed !== undefined)
    out.push(
      violation(
        'PHASE_VIOLATION',
        '',
        `phase "${branch.phase}" was sealed at version ${sealed.versionId}`,
      ),
    );
  const baseOrdinal =
    branch.baseVersionId === null ? 0 : (lookups.ordinalOf(branch.baseVersionId) ?? 0);
  for (const earlier of phases.slice(0, rank)) {
    const seal = lookups.seal(branch.entity, earlier);
    if (seal !== undefined && baseOrdinal < seal.ordinal)
      out.push(
        violation(
          'PHASE_VIOLATION',
          '',
          `the branch started before phase "${earlier}" was sealed at version ${seal.versionId}`,
        ),
      );
  }
  return out;
};

/** The base may be at most `maxStaleness` promotions behind the head. */
export const staleness: Check = ({ reconciliation: { divergence }, options }) => {
  const max = options?.maxStaleness;
  if (max === undefined || divergence.kind !== 'diverged' || divergence.event.staleness <= max)
    return [];
  return [
    violation(
      'STALE_BASE',
      '',
      `the base is ${divergence.event.staleness} promotions behind the head (at most ${max} allowed)`,
    ),
  ];
};
