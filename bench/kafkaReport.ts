import { cpus } from 'node:os';
import type { BenchArgs } from './args';

/** A measured rate and what it cost the main thread per snapshot (µs on a CPU, µs waiting for one). */
export interface Rate {
  rate: number;
  cpuUs: number;
  waitUs: number;
}

interface Latency {
  p50: number;
  p99: number;
  samples: number;
}

export interface KafkaResult {
  snapshots: number;
  averageValueBytes: number;
  batch: number;
  partitions: number;
  /** A bare kafkajs producer (idempotent, acks=all) sending the same records: the ceiling. Best of 2. */
  rawProducerPerSec: number;
  /** Best of 2 runs, alternating with the raw producer's. */
  atLeastOncePerSec: number;
  exactlyOncePerSec: number;
  /**
   * The main thread's µs on a CPU and µs runnable but waiting for one, per snapshot, in the runs
   * above (Linux schedstat; 0 elsewhere): on a shared machine, its own cost apart from the others'.
   */
  mainThread: Record<'raw' | 'at-least-once' | 'exactly-once', Omit<Rate, 'rate'>>;
  /** Snapshots the consumer SDK handed to a handler per second (validated, hash verified). */
  consumedPerSec: number;
  /** VersionPromoted appended → snapshot in the consumer's handler. */
  latency: Record<'at-least-once' | 'exactly-once', Latency>;
  latencyRatePerSec: number;
  broker: 'local' | 'KAFKA_BROKERS';
}

const ALO_TARGET = 20_000;
const CEILING_SHARE = 0.6;

const int = (n: number) => Math.round(n).toLocaleString('en-US');
const ms = (n: number) => Math.round(n * 10) / 10;

export const printKafkaReport = (args: BenchArgs, r: KafkaResult): void => {
  const machine = { cpus: cpus().length, node: process.version };
  const share = r.atLeastOncePerSec / r.rawProducerPerSec;
  if (args.json) {
    console.log(
      JSON.stringify({
        ...r,
        rawProducerPerSec: Math.round(r.rawProducerPerSec),
        atLeastOncePerSec: Math.round(r.atLeastOncePerSec),
        exactlyOncePerSec: Math.round(r.exactlyOncePerSec),
        consumedPerSec: Math.round(r.consumedPerSec),
        mainThread: Object.fromEntries(
          Object.entries(r.mainThread).map(([run, t]) => [
            run,
            { cpuUs: ms(t.cpuUs), waitUs: ms(t.waitUs) },
          ]),
        ),
        atLeastOnceVsRaw: Math.round(share * 1000) / 1000,
        latency: Object.fromEntries(
          Object.entries(r.latency).map(([mode, l]) => [
            mode,
            { p50Ms: ms(l.p50), p99Ms: ms(l.p99), samples: l.samples },
          ]),
        ),
        command: args.command,
        machine,
      }),
    );
    return;
  }
  const verdict = (ok: boolean) => (ok ? 'PASS' : 'FAIL');
  const cost = (run: keyof KafkaResult['mainThread']) =>
    `main thread ${ms(r.mainThread[run].cpuUs)} µs on CPU, ${ms(r.mainThread[run].waitUs)} µs waiting, per snapshot`;
  const lat = (mode: keyof KafkaResult['latency']) =>
    `p50 ${ms(r.latency[mode].p50)} ms, p99 ${ms(r.latency[mode].p99)} ms (${r.latency[mode].samples} samples)`;
  console.log(
    [
      `Kafka benchmark: ${int(r.snapshots)} snapshots of ${r.averageValueBytes} bytes, batches of ${r.batch}, ${r.partitions} partitions, ${r.broker} broker`,
      `command: ${args.command}`,
      `machine: ${machine.cpus} x ${cpus()[0]?.model ?? 'unknown CPU'}, node ${machine.node}`,
      '',
      `raw kafkajs producer   ${int(r.rawProducerPerSec)} snapshots/s (same records, idempotent, acks=all; best of 2)`,
      `                       ${cost('raw')}`,
      `at-least-once          ${int(r.atLeastOncePerSec)} snapshots/s (${Math.round(share * 100)}% of raw; best of 2)`,
      `                       ${cost('at-least-once')}`,
      `exactly-once           ${int(r.exactlyOncePerSec)} snapshots/s (one transaction per batch)`,
      `                       ${cost('exactly-once')}`,
      `consumer SDK           ${int(r.consumedPerSec)} snapshots/s (validated, hash verified)`,
      `commit → consumer at ${int(r.latencyRatePerSec)}/s: at-least-once ${lat('at-least-once')}`,
      `                       exactly-once ${lat('exactly-once')}`,
      '',
      `${verdict(share >= CEILING_SHARE)}  at-least-once >= 60% of the raw producer (${Math.round(share * 100)}%)`,
      `${verdict(r.atLeastOncePerSec >= ALO_TARGET)}  at-least-once >= 20,000 snapshots/s (${int(r.atLeastOncePerSec)})`,
    ].join('\n'),
  );
};
