import { spawn, spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { logLevel } from 'kafkajs';
import { runInvoiceDemo } from '../../src/demo/invoiceDemo';
import { invoice, vendor } from '../../src/demo/invoiceDomain';
import { createSqliteEventLog } from '../../src/events/sqlite/sqliteEventLog';
import { openProjectionStore } from '../../src/projections/projectionStore';
import type { ReceivedSnapshot } from '../../src/publishers/kafka/acceptSnapshot';
import {
  createSnapshotConsumer,
  type SnapshotConsumer,
} from '../../src/publishers/kafka/snapshotConsumer';
import { TSX } from '../support/childProcess';
import { tempDir } from '../support/tempDir';
import { eventually, readTopics, testBrokers, uniquePrefix } from '../support/kafka/kafkaTestKit';

const brokers = testBrokers();
const MAIN = join(__dirname, '..', '..', 'src', 'cli', 'main.ts');
const DEMO_ENTITIES = join(__dirname, '..', '..', 'src', 'demo', 'invoiceDomain.ts');

/** The demo scenario on a SQLite file; then what its log says was promoted and quarantined. */
const demoLog = async (path: string) => {
  const log = createSqliteEventLog({ path });
  const store = openProjectionStore(path);
  const report = await runInvoiceDemo({ log, store, seed: 9, invoices: 20 });
  const events = await log.readAll({
    limit: 1_000_000,
    filter: { eventTypes: ['VersionPromoted', 'BranchQuarantined'] },
  });
  store.close();
  await log.close();
  const promoted = new Map<string, string[]>();
  const quarantined = new Set<string>();
  for (const e of events)
    if (e.type === 'VersionPromoted') {
      const key = `${e.data.entity.type}/${e.data.entity.id}`;
      promoted.set(key, [...(promoted.get(key) ?? []), e.data.versionId]);
    } else if (e.type === 'BranchQuarantined') quarantined.add(e.data.branchId);
  return { report, promoted, quarantined };
};

/** `driftless serve` on a SQLite log publishing to the test broker, with extra settings. */
const startServe = (path: string, env: Record<string, string>) => {
  const serve = spawn(process.execPath, [...TSX, MAIN, 'serve', '--log', `sqlite:${path}`], {
    env: {
      ...process.env,
      DRIFTLESS_ENTITIES: DEMO_ENTITIES,
      DRIFTLESS_KAFKA_BROKERS: brokers.join(','),
      ...env,
    },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  const output = { stderr: '' };
  serve.stderr.on('data', (d: Buffer) => (output.stderr += d.toString()));
  const exited = new Promise<number | null>((r) => serve.on('exit', r));
  return { stop: () => serve.kill('SIGTERM'), output, exited };
};

describe('Kafka end to end', () => {
  it('the invoice demo through `driftless serve` and Kafka to a consumer: exactly the promoted versions, in entity order, hashes verified, nothing the gate stopped', async () => {
    const dir = tempDir('kafka-e2e');
    const path = dir.file('demo.sqlite');
    const { report, promoted, quarantined } = await demoLog(path);
    expect(report.driftCases.slipped).toBe(0);
    expect(quarantined.size).toBeGreaterThan(10);
    const total = [...promoted.values()].reduce((n, v) => n + v.length, 0);
    expect(total).toBe(report.promoted);

    const prefix = uniquePrefix('e2e');
    const { stop, output, exited } = startServe(path, {
      DRIFTLESS_KAFKA_PREFIX: prefix,
      DRIFTLESS_KAFKA_MODE: 'exactly-once',
      DRIFTLESS_KAFKA_QUARANTINE: 'true',
      DRIFTLESS_KAFKA_PARTITIONS: '4',
    });

    const received: ReceivedSnapshot[] = [];
    let consumer: SnapshotConsumer | undefined;
    try {
      consumer = await createSnapshotConsumer({
        brokers,
        prefix,
        groupId: `g-${prefix}`,
        entityTypes: ['invoice', 'vendor'],
        handler: (s) => void received.push(s),
        logLevel: logLevel.NOTHING,
      });
      await eventually(
        () => received.length >= total,
        `${total} snapshots (serve: ${output.stderr})`,
        60_000,
      );
      await new Promise((r) => setTimeout(r, 500));
    } finally {
      await consumer?.stop();
      stop();
    }
    expect(await exited).toBe(0);
    expect(output.stderr).toContain(
      `publishing to Kafka ${brokers.join(',')} (exactly-once, topics ${prefix}.*)`,
    );

    // Exactly the promoted versions, each once, per entity in the order they were promoted.
    const byEntity = new Map<string, string[]>();
    for (const s of received) {
      const key = `${s.entity.type}/${s.entity.id}`;
      byEntity.set(key, [...(byEntity.get(key) ?? []), s.versionId]);
    }
    expect(byEntity).toEqual(promoted);
    expect(consumer.stats()).toEqual({
      received: total,
      delivered: total,
      dropped: 0,
      deadLettered: 0,
    });
    // Nothing the gate stopped: no quarantined branch in any snapshot, every document valid.
    expect(received.filter((s) => s.branchIds.some((b) => quarantined.has(b)))).toEqual([]);
    const schemas = { invoice: invoice.schema, vendor: vendor.schema } as const;
    expect(
      received.filter(
        (s) => !schemas[s.entity.type as keyof typeof schemas].safeParse(s.doc).success,
      ),
    ).toEqual([]);
    // The quarantined branches went to their own topic instead.
    const notices = await readTopics(brokers, [`${prefix}.quarantine`]);
    expect(new Set(notices.map((n) => n.headers.branchId))).toEqual(quarantined);
    dir.remove();
  }, 120_000);
});

describe('driftless serve with Kafka', () => {
  it('stops with one line naming the topics and the reason when the broker refuses them', async () => {
    const dir = tempDir('kafka-refused');
    const serve = spawnSync(
      process.execPath,
      [...TSX, MAIN, 'serve', '--log', `sqlite:${dir.file('empty.sqlite')}`],
      {
        encoding: 'utf8',
        env: {
          ...process.env,
          DRIFTLESS_ENTITIES: DEMO_ENTITIES,
          DRIFTLESS_KAFKA_BROKERS: brokers.join(','),
          DRIFTLESS_KAFKA_PREFIX: uniquePrefix('refused'),
          DRIFTLESS_KAFKA_REPLICATION: '3',
        },
      },
    );
    expect(serve.status).toBe(1);
    expect(serve.stderr).toMatch(
      /^driftless: the broker refused to create topics .*\.snapshots\.invoice, .*\.snapshots\.vendor: INVALID_REPLICATION_FACTOR/m,
    );
    dir.remove();
  }, 60_000);

  it('sends a notice to the dead-letter topic for each snapshot over kafkaMaxMessageBytes, says so, and publishes the rest', async () => {
    const dir = tempDir('kafka-oversize');
    const path = dir.file('demo.sqlite');
    const { promoted } = await demoLog(path);
    const total = [...promoted.values()].reduce((n, v) => n + v.length, 0);
    const prefix = uniquePrefix('oversize');
    const { stop, output, exited } = startServe(path, {
      DRIFTLESS_KAFKA_PREFIX: prefix,
      DRIFTLESS_KAFKA_MAX_MESSAGE_BYTES: '1024',
    });
    const topics = [`${prefix}.snapshots.invoice`, `${prefix}.snapshots.vendor`];

    try {
      await eventually(
        () => /published [1-9]/.test(output.stderr),
        `a round that published (serve: ${output.stderr})`,
        60_000,
      );
    } finally {
      stop();
    }
    expect(await exited).toBe(0);
    const published = await readTopics(brokers, topics);
    const notices = await readTopics(brokers, [`${prefix}.dead-letter`]);

    expect(published.length + notices.length).toBe(total);
    expect(notices.length).toBeGreaterThan(0);
    expect(published.length).toBeGreaterThan(0);
    // Each notice stands for a version not on its topic, and serve named each.
    const lines = output.stderr.split('\n').filter((l) => l.includes('over kafkaMaxMessageBytes'));
    expect(lines).toHaveLength(notices.length);
    expect(output.stderr).toContain(`(${notices.length} of them too large: dead-letter notices)`);
    for (const n of notices) {
      expect(published.some((p) => p.headers.versionId === n.headers.versionId)).toBe(false);
      expect(lines.some((l) => l.startsWith(`version ${n.headers.versionId} of `))).toBe(true);
      expect(topics).toContain(n.headers['dlq-topic']);
    }
    expect(published.every((p) => Buffer.byteLength(p.value) < 1024)).toBe(true);
    dir.remove();
  }, 120_000);
});
