import { isNonEmpty } from 'fp-ts/Array';
import * as E from 'fp-ts/Either';
import * as NEA from 'fp-ts/NonEmptyArray';
import type { Candidate } from '../reconcilers/reconcile';
import {
  partialWrite,
  phaseOrder,
  referenceValidity,
  schemaIntegrity,
  staleness,
  unresolvedConflicts,
  type Check,
} from './checks';
import type { GateInput } from './gateInput';
import type { Violation } from './violation';

/** Every check, in the order their violations are reported. */
export const CHECKS: readonly Check[] = [
  schemaIntegrity,
  referenceValidity,
  partialWrite,
  phaseOrder,
  staleness,
  unresolvedConflicts,
];

/** Why a branch goes to quarantine: every violation, and the candidate when there was one. */
export interface GateRejection {
  violations: NEA.NonEmptyArray<Violation>;
  candidate?: Candidate;
}

const validation = E.getApplicativeValidation(NEA.getSemigroup<Violation>());

const toValidation = (found: Violation[]): E.Either<NEA.NonEmptyArray<Violation>, void> =>
  isNonEmpty(found) ? E.left(found) : E.right(undefined);

/**
 * The promotion gate: runs every check and accumulates their violations (not first-fail).
 * Right is the candidate to promote; Left is what to quarantine.
 */
export const runGate = (input: GateInput): E.Either<GateRejection, Candidate> => {
  const { result } = input.reconciliation;
  const candidate = E.isRight(result)
    ? result.right
    : result.left.kind === 'conflicts'
      ? result.left.candidate
      : undefined;
  const checked = CHECKS.map((check) => toValidation(check(input, candidate?.doc))).reduce(
    (all, next) =>
      validation.ap(
        validation.map(all, () => () => undefined),
        next,
      ),
  );
  if (E.isRight(checked)) {
    if (candidate !== undefined) return E.right(candidate);
    // Unreachable by construction: no candidate means invalid ops, which schemaIntegrity reports.
    throw new Error('promotion gate: no candidate and no violation');
  }
  return E.left(
    candidate === undefined
      ? { violations: checked.left }
      : { violations: checked.left, candidate },
  );
};
