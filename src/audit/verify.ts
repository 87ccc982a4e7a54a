import * as E from 'fp-ts/Either';
import type { EntityRef } from '../events/schemas/common';
import { jsonEqual, type Json, type JsonObject } from '../reconcilers/json';
import { diffDocuments, type DocumentDifference } from './documentDiff';
import { replay, type ReplayOptions, type ReplayedVersion, type ReplaySummary } from './replay';

/** What a version hash covers besides its document, as recorded or recomputed. */
export interface VersionFacts {
  hash: string;
  parents: string[];
  depth: number;
  phase: string;
  doc: JsonObject;
}

export type MismatchedField =
  | 'hash'
  | 'doc'
  | 'decisions'
  | 'parents'
  | 'depth'
  | 'phase'
  /** The branch's recorded mutations disagree with its commit's count or digest. */
  | 'commit';

/** The first version whose recomputation disagrees with the log. */
export interface VersionMismatch {
  versionId: string;
  entity: EntityRef;
  ordinal: number;
  /** Log position of its VersionPromoted event. */
  position: number;
  branchIds: string[];
  /** One line: what disagrees, or why the version could not be rebuilt at all. */
  reason: string;
  /** What differs; empty when the version could not be rebuilt. */
  fields: MismatchedField[];
  recorded: VersionFacts;
  /** Absent when the version could not be rebuilt. */
  recomputed?: VersionFacts;
  /** Where the recorded and recomputed documents differ. */
  diff: DocumentDifference[];
  /** Where the recorded and recomputed decisions differ (`/<index>/<field>`). */
  decisionsDiff: DocumentDifference[];
}

export type VerifyResult =
  | { verified: true; summary: ReplaySummary }
  | { verified: false; mismatch: VersionMismatch; summary: ReplaySummary };

const facts = ({ hash, parents, depth, phase, doc }: VersionFacts): VersionFacts => ({
  hash,
  parents,
  depth,
  phase,
  doc,
});

const short = (hash: string) => `${hash.slice(0, 12)}…`;

/** The mismatch of one replayed version, or undefined when it agrees with the log. */
export const compareVersion = ({
  recorded,
  ordinal,
  rebuilt,
}: ReplayedVersion): VersionMismatch | undefined => {
  const v = recorded.data;
  const r = E.isRight(rebuilt) ? rebuilt.right : undefined;
  const agrees =
    r !== undefined &&
    r.commitMismatch === null &&
    r.hash === v.hash &&
    r.depth === v.depth &&
    r.phase === v.phase &&
    jsonEqual(r.parents, v.parents) &&
    jsonEqual(r.doc, v.doc) &&
    jsonEqual(r.decisions as unknown as Json, v.decisions as unknown as Json);
  if (agrees) return undefined;
  const where = {
    versionId: v.versionId,
    entity: v.entity,
    ordinal,
    position: recorded.position,
    branchIds: v.branchIds,
    recorded: facts(v),
  };
  if (r === undefined)
    return {
      ...where,
      reason: `cannot be rebuilt: ${E.isLeft(rebuilt) ? rebuilt.left : ''}`,
      fields: [],
      diff: [],
      decisionsDiff: [],
    };
  const fields = (
    [
      ['hash', r.hash === v.hash],
      ['doc', jsonEqual(r.doc, v.doc)],
      ['decisions', jsonEqual(r.decisions as unknown as Json, v.decisions as unknown as Json)],
      ['parents', jsonEqual(r.parents, v.parents)],
      ['depth', r.depth === v.depth],
      ['phase', r.phase === v.phase],
      ['commit', r.commitMismatch === null],
    ] as const
  ).flatMap(([field, same]) => (same ? [] : [field]));
  const diff = diffDocuments(v.doc, r.doc);
  const reason = [
    r.commitMismatch ?? '',
    r.hash === v.hash
      ? ''
      : `recomputed hash ${short(r.hash)} is not the recorded ${short(v.hash)}`,
    diff.length === 0
      ? ''
      : `documents differ at ${diff.map((d) => d.path || '(root)').join(', ')}`,
    ...fields
      .filter((f) => f !== 'hash' && f !== 'doc' && f !== 'commit')
      .map((f) => `recorded ${f} differ`),
  ]
    .filter((part) => part !== '')
    .join('; ');
  const decisionsDiff = diffDocuments(
    v.decisions as unknown as Json,
    r.decisions as unknown as Json,
  );
  return { ...where, reason, fields, recomputed: facts(r), diff, decisionsDiff };
};

/**
 * Replays the log and compares every recomputed version (hash, document, decisions, parents,
 * depth, phase) with the recorded one; stops at the first that disagrees. Untouched,
 * deterministic history verifies; an edited event fails at the first version it reaches.
 */
export const verify = async (options: Omit<ReplayOptions, 'onVersion'>): Promise<VerifyResult> => {
  let mismatch: VersionMismatch | undefined;
  const summary = await replay({
    ...options,
    onVersion: (version) => {
      mismatch = compareVersion(version);
      return mismatch === undefined ? undefined : 'stop';
    },
  });
  return mismatch === undefined
    ? { verified: true, summary }
    : { verified: false, mismatch, summary };
};
