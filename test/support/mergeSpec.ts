import * as E from 'fp-ts/Either';
import type { Op } from '../../src/events/schemas/ops';
import { formatPointer } from '../../src/events/jsonPointer';
import type { JsonObject } from '../../src/reconcilers/json';
import {
  compileMergeRules,
  type MergeRules,
  type Provenance,
} from '../../src/reconcilers/mergeRules';
import { reconcile, type Candidate, type MergeFailure } from '../../src/reconcilers/reconcile';

export const HEAD_BRANCH = '01HEAD0000000000000000000A';
export const BRANCH = '01BRANCH000000000000000000';

export interface Given {
  base: JsonObject;
  head: JsonObject;
  /** Provenance of head values by exact path; the rest is `headBy`. */
  headProvenance?: Record<string, Partial<Provenance>>;
  headBy?: Partial<Provenance>;
}

export interface When {
  ops: Op[];
  phase?: string;
  actor?: string;
}

const headFallback: Provenance = {
  branchIds: [HEAD_BRANCH],
  phase: 'reasoning',
  actor: 'agent-head',
};

/**
 * Given a base and a head, when a branch's ops arrive, then the merge result.
 * `thenMerged` and `thenConflicts` fail the test with the other outcome printed.
 */
export const mergeSpec = (rules: MergeRules = {}) => {
  const compiled = compileMergeRules(rules);
  return (given: Given) => ({
    when: (branch: When) => {
      const fallback = { ...headFallback, ...given.headBy };
      const by = (path: readonly string[]): Provenance => {
        for (let n = path.length; n >= 0; n--) {
          const found = given.headProvenance?.[formatPointer(path.slice(0, n))];
          if (found !== undefined) return { ...fallback, ...found };
        }
        return fallback;
      };
      const result = reconcile(compiled, {
        base: given.base,
        ours: { doc: given.head, by },
        ops: branch.ops,
        theirsBy: {
          branchIds: [BRANCH],
          phase: branch.phase ?? 'reasoning',
          actor: branch.actor ?? 'agent-b',
        },
      });
      return {
        result,
        thenMerged: (expected?: JsonObject): Candidate => {
          if (E.isLeft(result))
            throw new Error(`expected a merge, got ${JSON.stringify(result.left)}`);
          if (expected !== undefined) expect(result.right.doc).toEqual(expected);
          return result.right;
        },
        thenFailed: (): MergeFailure => {
          if (E.isRight(result))
            throw new Error(`expected a failure, got ${JSON.stringify(result.right)}`);
          return result.left;
        },
        thenConflicts: (paths: string[]) => {
          if (E.isRight(result) || result.left.kind !== 'conflicts')
            throw new Error(`expected conflicts, got ${JSON.stringify(result)}`);
          expect(result.left.conflicts.map((c) => c.path)).toEqual(paths);
          return result.left;
        },
      };
    },
  });
};

/** The decision at a path, failing when there is none. */
export const decisionAt = (candidate: Candidate, path: string) => {
  const found = candidate.decisions.find((d) => d.path === path);
  if (found === undefined)
    throw new Error(
      `no decision at ${path}; decisions: ${candidate.decisions.map((d) => d.path).join(', ')}`,
    );
  return found;
};
