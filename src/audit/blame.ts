import { ValidationError } from '../events/errors';
import type { EventLog } from '../events/eventLog';
import { formatPointer, parsePointer } from '../events/jsonPointer';
import type { EntityRef } from '../events/schemas/common';
import { streamNames, type StreamNames } from '../events/streams';
import type { EntityRegistry } from '../projections/defineEntity';
import { childOf } from '../reconcilers/containers';
import { jsonEqual, type Json } from '../reconcilers/json';
import type { CompiledRules } from '../reconcilers/mergeRules';
import { branchActors, promotionsOf } from './entityHistory';

/** One change to a field: the version that made it and how it was decided. */
export interface BlameEntry {
  versionId: string;
  /** 1 for the entity's first version. */
  ordinal: number;
  promotedAt: string;
  phase: string;
  branchIds: string[];
  actors: string[];
  /** The field's value in this version; absent when the version removed it. */
  value?: Json;
  /**
   * The merge rules that chose it ('theirs-only': the branch alone changed it), or 'only
   * change' when the version recorded no decision for it.
   */
  rules: string[];
}

const valueAt = (doc: Json, segments: readonly string[], rules: CompiledRules | undefined) =>
  segments.reduce<Json | undefined>(
    (value, segment, i) => childOf(value, segment, rules?.collectionAt(segments, i)),
    doc,
  );

/** Whether two pointers are the same path or one lies inside the other. */
const overlaps = (a: string, b: string) =>
  a === b || a.startsWith(`${b}/`) || b.startsWith(`${a}/`) || a === '' || b === '';

/**
 * `driftless blame`: every version of an entity that changed the field at `pointer` (or
 * anything inside it), with its branches, their actors, the phase, the time, the value and
 * the rule that chose it. Keyed-array elements are addressed by key, as in ops.
 */
export const blame = async (options: {
  log: EventLog;
  registry: EntityRegistry;
  entity: EntityRef;
  pointer: string;
  streams?: StreamNames;
}): Promise<BlameEntry[]> => {
  const { log, registry, entity, pointer, streams = streamNames() } = options;
  const segments = parsePointer(pointer);
  if (segments === undefined)
    throw new ValidationError([
      {
        path: '/pointer',
        expected: 'a JSON pointer such as /vendor/name',
        received: pointer,
        message: 'not a JSON pointer',
      },
    ]);
  const rules = registry.get(entity.type)?.rules;
  const actorOf = branchActors(log, streams);
  const entries: BlameEntry[] = [];
  let previous: Json | undefined;
  for (const [i, { data: v }] of (await promotionsOf(log, streams, entity)).entries()) {
    const value = valueAt(v.doc, segments, rules);
    const decisions = v.decisions.filter((d) => overlaps(d.path, pointer));
    const changed = i === 0 ? value !== undefined : !jsonEqual(previous, value);
    previous = value;
    // A decision about an enclosing or inner path counts only where the field has a value: one
    // on /lines says nothing of a /lines/X/qty that was absent before and after.
    if (!changed && (decisions.length === 0 || value === undefined)) continue;
    const branchIds = [...new Set(decisions.flatMap((d) => d.branchIds))];
    const writers = branchIds.length > 0 ? branchIds : v.branchIds;
    entries.push({
      versionId: v.versionId,
      ordinal: i + 1,
      promotedAt: v.promotedAt,
      phase: v.phase,
      branchIds: writers,
      actors: await Promise.all(writers.map(actorOf)),
      ...(value === undefined ? {} : { value }),
      rules: decisions.length > 0 ? [...new Set(decisions.map((d) => d.rule))] : ['only change'],
    });
  }
  return entries;
};

/**
 * How keyed-array elements on `pointer`'s way are addressed, for a blame that found nothing:
 * `/lines/0/qty` on lines keyed by sku reads "elements of /lines are addressed by their sku
 * (as in ops), not by position: /lines/<sku>/qty". Undefined when no keyed array is on the way.
 */
export const keyedAddressing = (
  registry: EntityRegistry,
  entityType: string,
  pointer: string,
): string | undefined => {
  const segments = parsePointer(pointer);
  const rules = registry.get(entityType)?.rules;
  if (segments === undefined || rules === undefined) return undefined;
  for (let i = 0; i < segments.length - 1; i += 1) {
    const collection = rules.collectionAt(segments, i + 1);
    if (collection?.kind !== 'keyed') continue;
    const array = formatPointer(segments.slice(0, i + 1));
    const rest = formatPointer(segments.slice(i + 2));
    return `elements of ${array} are addressed by their ${collection.key} (as in ops), not by position: ${array}/<${collection.key}>${rest}`;
  }
  return undefined;
};
