import { recordBytes } from '../../src/publishers/kafka/envelope';
import { produceRequests, recordsByTopic } from '../../src/publishers/kafka/produceRequests';
import { topicNames } from '../../src/publishers/kafka/topics';
import type { Snapshot } from '../../src/publishers/snapshotSink';

const topics = topicNames('p');

const snapshot = (id: string, note: string, position: number): Snapshot => ({
  versionId: `01J0000000000000000000000${position % 10}`,
  entity: { type: 'invoice', id },
  parents: [],
  depth: 0,
  phase: 'reasoning',
  branchIds: [],
  promotedAt: new Date(0).toISOString(),
  hash: 'a'.repeat(64),
  doc: { note },
  position,
  parentHashes: [],
  decisionSummary: { count: 0, byRule: {} },
});

describe('Kafka produce requests', () => {
  it("counts UTF-8 bytes: no request of three-byte characters goes over the brokers' 1 MB", () => {
    // 20 records of 40,000 three-byte characters: 120 KB each in UTF-8, 40,000 UTF-16 units.
    const snapshots = Array.from({ length: 20 }, (_, i) =>
      snapshot(`INV-${i}`, '発'.repeat(40_000), i + 1),
    );
    const { byTopic, oversize } = recordsByTopic(topics, snapshots, [], 1_000_000);
    expect(oversize).toEqual([]);
    const requests = produceRequests(byTopic, 1_000_000);
    expect(requests.length).toBeGreaterThanOrEqual(5);
    for (const request of requests) {
      const bytes = request
        .flatMap((t) => t.messages)
        .reduce((n, m) => n + Buffer.byteLength(m.value as string), 0);
      expect(bytes).toBeLessThanOrEqual(1_000_000);
    }
    // Every record once, in order.
    expect(requests.flatMap((r) => r.flatMap((t) => t.messages.map((m) => m.key)))).toEqual(
      snapshots.map((s) => s.entity.id),
    );
  });

  it('puts a notice on the dead-letter topic for a record over the limit, counted in UTF-8 bytes', () => {
    const fits = snapshot('INV-1', 'x'.repeat(1000), 1);
    // 3,000 UTF-16 units, 9,000 bytes: over a 5,000-byte limit only when counted in bytes.
    const wide = snapshot('INV-2', '発'.repeat(3000), 2);
    const { byTopic, oversize } = recordsByTopic(topics, [fits, wide], [], 5000);
    expect(byTopic.get('p.snapshots.invoice')?.map((r) => r.key)).toEqual(['INV-1']);
    const [notice] = byTopic.get('p.dead-letter') ?? [];
    expect(notice?.key).toBe('INV-2');
    expect(recordBytes(notice!)).toBeLessThan(1000);
    expect(oversize).toEqual([
      {
        versionId: wide.versionId,
        entity: wide.entity,
        position: 2,
        bytes: expect.any(Number),
        topic: 'p.snapshots.invoice',
      },
    ]);
    expect(oversize[0]!.bytes).toBeGreaterThan(9000);
  });
});
