// Jest global setup of the kafka project: one local Apache Kafka broker for the whole run, or
// the one KAFKA_BROKERS names. Test files find it in process.env.KAFKA_BROKERS.
import { mkdirSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startLocalBroker, type LocalBroker } from './localBroker';

/** Run folders (config and server.log, kept for diagnosis) live here for a day. */
export const RUNS = join(tmpdir(), 'driftless-kafka-runs');

const removeOldRuns = () => {
  mkdirSync(RUNS, { recursive: true });
  for (const name of readdirSync(RUNS)) {
    const dir = join(RUNS, name);
    if (Date.now() - statSync(dir).mtimeMs > 86_400_000)
      rmSync(dir, { recursive: true, force: true });
  }
};

export default async (): Promise<void> => {
  if (process.env.KAFKA_BROKERS) return;
  removeOldRuns();
  const dir = join(RUNS, `${new Date().toISOString().replace(/[:.]/g, '-')}-${process.pid}`);
  const started = Date.now();
  const broker = await startLocalBroker(dir);
  process.env.KAFKA_BROKERS = broker.brokers;
  (globalThis as { driftlessKafka?: LocalBroker }).driftlessKafka = broker;
  process.stderr.write(
    `\nKafka broker ${broker.brokers} started in ${Date.now() - started} ms (log: ${broker.logFile})\n`,
  );
};
