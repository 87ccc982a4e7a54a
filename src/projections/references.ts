import { formatPointer } from '../events/jsonPointer';
import type { EntityRef } from '../events/schemas/common';
import { elementKey } from '../reconcilers/containers';
import { isObject, own, type Json, type JsonObject } from '../reconcilers/json';
import type { EntityType } from './defineEntity';

/** One declared reference found in a document. */
export interface Reference {
  path: string;
  to: EntityRef;
}

/** Every reference an entity's document holds, by its declared reference fields. */
export const referencesIn = (doc: JsonObject, entity: EntityType): Reference[] => {
  const out: Reference[] = [];
  for (const { pattern, targetType } of entity.references) {
    const visit = (value: Json | undefined, depth: number, path: string[]): void => {
      if (value === undefined) return;
      if (depth === pattern.segments.length) {
        const ids = typeof value === 'string' ? [value] : Array.isArray(value) ? value : [];
        for (const id of ids)
          if (typeof id === 'string')
            out.push({
              path: formatPointer(Array.isArray(value) ? [...path, id] : path),
              to: { type: targetType, id },
            });
        return;
      }
      const segment = pattern.segments[depth]!;
      const collection = entity.rules.collectionAt(path);
      for (const [key, child] of children(
        value,
        collection?.kind === 'keyed' ? collection.key : undefined,
      ))
        if (segment === '*' || segment === key) visit(child, depth + 1, [...path, key]);
    };
    visit(doc, 0, []);
  }
  return out.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
};

const children = (value: Json, key: string | undefined): [string, Json][] => {
  if (Array.isArray(value) && key !== undefined)
    return value.flatMap((e) => {
      const k = elementKey(e, key);
      return k === undefined ? [] : [[k, e] as [string, Json]];
    });
  if (isObject(value)) return Object.keys(value).map((k) => [k, own(value, k)!]);
  return [];
};
