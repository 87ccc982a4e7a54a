import type { TopicMessages } from 'kafkajs';
import type { QuarantineNotice, Snapshot } from '../snapshotSink';
import { quarantineRecord, snapshotRecord, type OutgoingRecord } from './envelope';
import type { TopicNames } from './topics';

/** Records grouped into requests of at most this many value bytes (brokers cap a batch at 1 MB). */
const REQUEST_BYTES = 512 * 1024;

/** A batch's records by topic, each topic's in log order. */
export const recordsByTopic = (
  topics: TopicNames,
  snapshots: readonly Snapshot[],
  quarantines: readonly QuarantineNotice[],
): Map<string, OutgoingRecord[]> => {
  const byTopic = new Map<string, OutgoingRecord[]>();
  const add = (topic: string, record: OutgoingRecord) => {
    const records = byTopic.get(topic);
    if (records) records.push(record);
    else byTopic.set(topic, [record]);
  };
  for (const s of snapshots) add(topics.snapshots(s.entity.type), snapshotRecord(s));
  for (const q of quarantines) add(topics.quarantine, quarantineRecord(q));
  return byTopic;
};

/** The records cut into produce requests, in order; never an empty list. */
export const produceRequests = (byTopic: Map<string, OutgoingRecord[]>): TopicMessages[][] => {
  const out: TopicMessages[][] = [[]];
  let bytes = 0;
  for (const [topic, records] of byTopic)
    for (const record of records) {
      if (bytes + record.value.length > REQUEST_BYTES && bytes > 0) {
        out.push([]);
        bytes = 0;
      }
      const request = out.at(-1)!;
      const last = request.at(-1);
      if (last?.topic === topic) last.messages.push(record);
      else request.push({ topic, messages: [record] });
      bytes += record.value.length;
    }
  return out;
};
