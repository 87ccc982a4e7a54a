import { escapeSegment } from '../events/jsonPointer';
import { isObject, jsonEqual, own, type Json } from '../reconcilers/json';

/** One path where two documents differ; an absent side holds nothing there. */
export interface DocumentDifference {
  path: string;
  recorded?: Json;
  recomputed?: Json;
}

const entry = (path: string, recorded: Json | undefined, recomputed: Json | undefined) => {
  const out: DocumentDifference = { path };
  if (recorded !== undefined) out.recorded = recorded;
  if (recomputed !== undefined) out.recomputed = recomputed;
  return out;
};

/**
 * Where a recorded document and a recomputed one differ, as JSON pointers to the deepest
 * differing values: objects field by field, arrays of equal length element by element.
 */
export const diffDocuments = (
  recorded: Json | undefined,
  recomputed: Json | undefined,
  path = '',
): DocumentDifference[] => {
  if (jsonEqual(recorded, recomputed)) return [];
  if (isObject(recorded) && isObject(recomputed)) {
    const keys = [...new Set([...Object.keys(recorded), ...Object.keys(recomputed)])].sort();
    return keys.flatMap((k) =>
      diffDocuments(own(recorded, k), own(recomputed, k), `${path}/${escapeSegment(k)}`),
    );
  }
  if (Array.isArray(recorded) && Array.isArray(recomputed) && recorded.length === recomputed.length)
    return recorded.flatMap((item, i) => diffDocuments(item, recomputed[i], `${path}/${i}`));
  return [entry(path, recorded, recomputed)];
};
