import fc from 'fast-check';
import { jsonIssues } from '../../src/events/canonicalJson';

/** JSON values Driftless accepts: fast-check's, minus prototype keys and -0. */
export const jsonValue = (): fc.Arbitrary<unknown> =>
  fc.jsonValue().filter((v) => jsonIssues(v).length === 0 && !Object.is(v, -0));

export const jsonObject = (): fc.Arbitrary<Record<string, unknown>> =>
  fc.dictionary(
    fc.string().filter((k) => !['__proto__', 'constructor', 'prototype'].includes(k)),
    jsonValue(),
  );
