import { z } from 'zod';
import { EntityRef, Sha256, Ulid } from '../../events/schemas/common';
import { jsonEntityEvents, Violation } from '../../events/schemas/entityEvents';
import type { QuarantineNotice, Snapshot } from '../snapshotSink';

/** Version of the envelope's shape, in the value and in the `schemaVersion` header. */
export const SCHEMA_VERSION = 1;
export const CONTENT_TYPE = 'application/json';

/**
 * A value parsed from JSON text is JSON already: the envelope checks the shape of the
 * document (an object) without walking it again.
 */
const { VersionPromoted: ParsedVersion } = jsonEntityEvents({
  value: z.unknown(),
  object: z.record(z.string(), z.unknown()),
});

/** The value of a record on `<prefix>.snapshots.<entityType>`, as the consumer checks it. */
export const SnapshotEnvelope = ParsedVersion.omit({ decisions: true })
  .extend({
    schemaVersion: z.literal(SCHEMA_VERSION),
    position: z.number().int().positive(),
    parentHashes: z.array(Sha256),
    decisionSummary: z.strictObject({
      count: z.number().int().nonnegative(),
      byRule: z.record(z.string(), z.number().int().nonnegative()),
    }),
  })
  .refine((v) => v.parentHashes.length === v.parents.length, {
    path: ['parentHashes'],
    message: 'one hash for each of parents',
  });

/** A snapshot as it travels: the Snapshot plus the envelope's schema version. */
export type SnapshotEnvelope = Snapshot & { schemaVersion: typeof SCHEMA_VERSION };

/** The value of a record on `<prefix>.quarantine`. */
export const QuarantineEnvelope = z.strictObject({
  schemaVersion: z.literal(SCHEMA_VERSION),
  branchId: Ulid,
  entity: EntityRef,
  violations: z.array(Violation).min(1),
  position: z.number().int().positive(),
  recordedAt: z.string(),
});

/** One record as kafkajs sends it. */
export interface OutgoingRecord {
  key: string;
  value: string;
  headers: Record<string, string>;
}

/** Key the entity id (one entity, one partition: its order is kept), lineage in headers. */
export const snapshotRecord = (snapshot: Snapshot): OutgoingRecord => ({
  key: snapshot.entity.id,
  // The schema version written in front of the snapshot's JSON: no copy of the snapshot to make.
  value: `{"schemaVersion":${SCHEMA_VERSION},${JSON.stringify(snapshot).slice(1)}`,
  headers: {
    versionId: snapshot.versionId,
    hash: snapshot.hash,
    parents: snapshot.parents.join(','),
    schemaVersion: String(SCHEMA_VERSION),
    'content-type': CONTENT_TYPE,
  },
});

/**
 * Bytes a record takes in a record batch, from above: key, value, headers, and generous
 * room for the varints and the batch header. Brokers compare the batch with the topic's
 * `max.message.bytes`.
 */
export const recordBytes = (record: OutgoingRecord): number => {
  let bytes = 128 + Buffer.byteLength(record.key) + Buffer.byteLength(record.value);
  for (const [name, value] of Object.entries(record.headers))
    bytes += 8 + Buffer.byteLength(name) + Buffer.byteLength(value);
  return bytes;
};

/** What stands in, on `<prefix>.dead-letter`, for a snapshot too large for its topic. */
export const oversizeRecord = (
  snapshot: Snapshot,
  topic: string,
  bytes: number,
  maxMessageBytes: number,
): OutgoingRecord => ({
  key: snapshot.entity.id,
  value: JSON.stringify({
    schemaVersion: SCHEMA_VERSION,
    versionId: snapshot.versionId,
    entity: snapshot.entity,
    hash: snapshot.hash,
    parents: snapshot.parents,
    position: snapshot.position,
    bytes,
  }),
  headers: {
    'dlq-reason': `snapshot of ${bytes} bytes is over the publisher's maxMessageBytes (${maxMessageBytes}); the version is in the log at position ${snapshot.position}`,
    'dlq-topic': topic,
    'dlq-source': 'publisher',
    versionId: snapshot.versionId,
    hash: snapshot.hash,
    schemaVersion: String(SCHEMA_VERSION),
    'content-type': CONTENT_TYPE,
  },
});

export const quarantineRecord = (notice: QuarantineNotice): OutgoingRecord => ({
  key: notice.entity.id,
  value: JSON.stringify({ schemaVersion: SCHEMA_VERSION, ...notice }),
  headers: {
    branchId: notice.branchId,
    entityType: notice.entity.type,
    schemaVersion: String(SCHEMA_VERSION),
    'content-type': CONTENT_TYPE,
  },
});
