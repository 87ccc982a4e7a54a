import type { TopicMessages } from 'kafkajs';
import type { QuarantineNotice, Snapshot } from '../snapshotSink';
import {
  oversizeRecord,
  quarantineRecord,
  recordBytes,
  snapshotRecord,
  type OutgoingRecord,
} from './envelope';
import type { TopicNames } from './topics';

/** Records grouped into requests of at most this many bytes. */
const REQUEST_BYTES = 512 * 1024;

/** A snapshot its topic would refuse: a notice went to the dead-letter topic instead. */
export interface OversizeSnapshot {
  versionId: string;
  entity: Snapshot['entity'];
  position: number;
  /** The record's size, from above (recordBytes). */
  bytes: number;
  topic: string;
}

/**
 * A batch's records by topic, each topic's in log order. A snapshot whose record would be
 * over `maxMessageBytes` is not sent (the broker would refuse the whole batch, again at
 * every retry): a small notice goes to the dead-letter topic in its place.
 */
export const recordsByTopic = (
  topics: TopicNames,
  snapshots: readonly Snapshot[],
  quarantines: readonly QuarantineNotice[],
  maxMessageBytes: number,
): { byTopic: Map<string, OutgoingRecord[]>; oversize: OversizeSnapshot[] } => {
  const byTopic = new Map<string, OutgoingRecord[]>();
  const oversize: OversizeSnapshot[] = [];
  const add = (topic: string, record: OutgoingRecord) => {
    const records = byTopic.get(topic);
    if (records) records.push(record);
    else byTopic.set(topic, [record]);
  };
  for (const s of snapshots) {
    const topic = topics.snapshots(s.entity.type);
    const record = snapshotRecord(s);
    const bytes = recordBytes(record);
    if (bytes <= maxMessageBytes) add(topic, record);
    else {
      add(topics.deadLetter, oversizeRecord(s, topic, bytes, maxMessageBytes));
      oversize.push({
        versionId: s.versionId,
        entity: s.entity,
        position: s.position,
        bytes,
        topic,
      });
    }
  }
  for (const q of quarantines) add(topics.quarantine, quarantineRecord(q));
  return { byTopic, oversize };
};

/**
 * The records cut into produce requests, in order; never an empty list. A request holds at
 * most `maxBytes` (and 512 KB) of records, counted from above in UTF-8 bytes: each of its
 * per-partition batches then fits the topics' `max.message.bytes`. A larger record (at most
 * `maxBytes`, recordsByTopic saw to that) goes alone.
 */
export const produceRequests = (
  byTopic: Map<string, OutgoingRecord[]>,
  maxBytes: number,
): TopicMessages[][] => {
  const limit = Math.min(REQUEST_BYTES, maxBytes);
  const out: TopicMessages[][] = [[]];
  let bytes = 0;
  for (const [topic, records] of byTopic)
    for (const record of records) {
      const size = recordBytes(record);
      if (bytes + size > limit && bytes > 0) {
        out.push([]);
        bytes = 0;
      }
      const request = out.at(-1)!;
      const last = request.at(-1);
      if (last?.topic === topic) last.messages.push(record);
      else request.push({ topic, messages: [record] });
      bytes += size;
    }
  return out;
};
