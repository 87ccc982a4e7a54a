import fc from 'fast-check';
import type { EventType } from '../../src/events/catalogue';
import { jsonValue } from './arbitraries';
import { catalogueExamples } from './catalogueExamples';

type Path = (string | number)[];

/** Every path into a value, containers included: where a mutation can land. */
const pathsOf = (value: unknown, at: Path = []): Path[] =>
  value !== null && typeof value === 'object'
    ? [
        at,
        ...Object.entries(value).flatMap(([k, v]) =>
          pathsOf(v, [...at, Array.isArray(value) ? Number(k) : k]),
        ),
      ]
    : [at];

const valueAt = (value: unknown, path: Path): unknown =>
  path.reduce<unknown>((node, s) => (node as Record<string | number, unknown>)[s], value);

/** The leaves of every example: plausible values, so that some mutations stay valid. */
const leaves = Object.values(catalogueExamples).flatMap((e) =>
  pathsOf(e)
    .map((p) => valueAt(e, p))
    .filter((v) => v === null || typeof v !== 'object'),
);

/** A copy of `value` with `replacement` at `path`, or with that member removed. */
const mutate = (value: unknown, path: Path, replacement: unknown, remove: boolean): unknown => {
  if (path.length === 0) return replacement;
  const copy = structuredClone(value);
  const parent = valueAt(copy, path.slice(0, -1)) as Record<string | number, unknown>;
  if (remove) delete parent[path.at(-1)!];
  else parent[path.at(-1)!] = replacement;
  return copy;
};

/** The example of `type` with one member replaced (by a JSON value) or removed. */
export const mutatedExample = (type: EventType): fc.Arbitrary<unknown> => {
  const example = catalogueExamples[type];
  return fc
    .tuple(
      fc.constantFrom(...pathsOf(example)),
      fc.oneof(fc.constantFrom(...leaves), jsonValue()),
      fc.boolean(),
    )
    .map(([path, replacement, remove]) => mutate(example, path, replacement, remove));
};
