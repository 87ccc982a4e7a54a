import { cpus } from 'node:os';
import type { BenchArgs } from './args';

export interface ReplayResult {
  events: number;
  versions: number;
  liveEntities: number;
  /** Branches quarantined and never settled: replay keeps their ops. */
  openBranches: number;
  /** Replay plus verify, events per second. */
  eventsPerSec: number;
  verifySeconds: number;
  /** CPU seconds of replay + verify (all threads): comparable across loads of a shared machine. */
  cpuSeconds: number;
  fillSeconds: number;
  /** Heap in use after a full collection, after each tenth of the log. */
  heapMbSamples: number[];
  rssMbPeak: number;
}

const TARGET = 100_000;
const int = (n: number) => Math.round(n).toLocaleString('en-US');

export const printReplayReport = (args: BenchArgs, r: ReplayResult): void => {
  const machine = { cpus: cpus().length, node: process.version };
  if (args.json) {
    console.log(
      JSON.stringify({
        eventsPerSec: Math.round(r.eventsPerSec),
        events: r.events,
        versions: r.versions,
        liveEntities: r.liveEntities,
        openBranches: r.openBranches,
        verifySeconds: Math.round(r.verifySeconds * 10) / 10,
        cpuSeconds: Math.round(r.cpuSeconds * 10) / 10,
        eventsPerCpuSec: Math.round(r.events / r.cpuSeconds),
        fillSeconds: Math.round(r.fillSeconds * 10) / 10,
        heapMbSamples: r.heapMbSamples,
        rssMbPeak: r.rssMbPeak,
        command: args.command,
        machine,
      }),
    );
    return;
  }
  console.log(
    [
      'Replay benchmark: replay + verify of a SQLite log (every version rebuilt, every hash checked)',
      `command: ${args.command}`,
      `machine: ${machine.cpus} x ${cpus()[0]?.model ?? 'unknown CPU'}, node ${machine.node}`,
      '',
      `log             ${int(r.events)} events, ${int(r.versions)} versions of ${int(r.liveEntities)} entities (filled in ${r.fillSeconds.toFixed(1)} s)`,
      `replay + verify ${int(r.eventsPerSec)} events/s (${r.verifySeconds.toFixed(1)} s)   target ≥ ${int(TARGET)}: ${r.eventsPerSec >= TARGET ? 'PASS' : 'FAIL'}`,
      `CPU time        ${r.cpuSeconds.toFixed(1)} s (all threads): ${int(r.events / r.cpuSeconds)} events per CPU second`,
      `heap in use     ${r.heapMbSamples.join(', ')} MB after each tenth (after a full GC); peak RSS ${r.rssMbPeak} MB`,
      `live state      ${int(r.liveEntities)} heads, ${int(r.openBranches)} branches left quarantined`,
    ].join('\n'),
  );
};
