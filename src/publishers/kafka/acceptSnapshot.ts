import * as E from 'fp-ts/Either';
import { versionHash } from '../../events/hash';
import type { Snapshot } from '../snapshotSink';
import { SnapshotEnvelope } from './envelope';

/** A version this one derives from, with the hash its own hash was computed over. */
export interface LineageLink {
  versionId: string;
  hash: string;
}

/** A snapshot as the consumer SDK hands it to a handler: checked, hash verified, in order. */
export type ReceivedSnapshot = Snapshot & {
  /** The parents with their hashes (empty for a genesis version). */
  lineage: LineageLink[];
  /** Where the record was read. */
  source: { topic: string; partition: number; offset: string };
};

const parseJson = (text: string): E.Either<string, unknown> =>
  E.tryCatch(
    () => JSON.parse(text) as unknown,
    (error) => `value is not JSON: ${error instanceof Error ? error.message : String(error)}`,
  );

/**
 * Checks one record of a snapshot topic: JSON, the envelope's shape (zod), the entity type of
 * the topic, and the version hash recomputed over the document, metadata and parents' hashes.
 * The reason names what was wrong, for the dead-letter topic.
 */
export const acceptSnapshot = (
  value: Buffer | null,
  source: ReceivedSnapshot['source'],
  entityType: string,
): E.Either<string, ReceivedSnapshot> => {
  if (value === null) return E.left('no value (a tombstone)');
  const parsed = parseJson(value.toString('utf8'));
  if (E.isLeft(parsed)) return parsed;
  const checked = SnapshotEnvelope.safeParse(parsed.right);
  if (!checked.success)
    return E.left(
      `not a snapshot envelope: ${checked.error.issues
        .map((i) => `at "/${i.path.join('/')}": ${i.message}`)
        .join('; ')}`,
    );
  const { schemaVersion: _schemaVersion, ...snapshot } = checked.data as Snapshot & {
    schemaVersion: number;
  };
  if (snapshot.entity.type !== entityType)
    return E.left(`entity type "${snapshot.entity.type}" on the topic of "${entityType}"`);
  const computed = versionHash({ ...snapshot, parentHashes: snapshot.parentHashes });
  if (computed !== snapshot.hash)
    return E.left(
      `hash mismatch: the envelope says ${snapshot.hash}, its content hashes to ${computed}`,
    );
  const lineage = snapshot.parents.map((versionId, i) => ({
    versionId,
    hash: snapshot.parentHashes[i]!,
  }));
  return E.right({ ...snapshot, lineage, source });
};
