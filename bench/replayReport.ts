import { cpus } from 'node:os';
import type { BenchArgs } from './args';

export interface ReplayResult {
  events: number;
  versions: number;
  liveEntities: number;
  /** Branches quarantined and never settled: replay keeps their ops. */
  openBranches: number;
  /** Replay plus verify in this process, events per second. */
  eventsPerSec: number;
  verifySeconds: number;
  /** CPU seconds of replay + verify (all threads): comparable across loads of a shared machine. */
  cpuSeconds: number;
  fillSeconds: number;
  /** Heap in use after a full collection, after each tenth of the log. */
  heapMbSamples: number[];
  rssMbPeak: number;
  /** `driftless verify --jobs N` on the same log: the whole command, all its processes. */
  inParts: { jobs: number; events: number; seconds: number; cpuSeconds: number };
}

const TARGET = 100_000;
const int = (n: number) => Math.round(n).toLocaleString('en-US');

export const printReplayReport = (args: BenchArgs, r: ReplayResult): void => {
  const machine = { cpus: cpus().length, node: process.version };
  const p = r.inParts;
  const partsPerSec = p.events / p.seconds;
  if (args.json) {
    console.log(
      JSON.stringify({
        // The product at its fastest here: verify in parts, one process per job.
        eventsPerSec: Math.round(partsPerSec),
        jobs: p.jobs,
        jobsSeconds: Math.round(p.seconds * 10) / 10,
        jobsCpuSeconds: Math.round(p.cpuSeconds * 10) / 10,
        singleProcessEventsPerSec: Math.round(r.eventsPerSec),
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
      `one process     ${int(r.eventsPerSec)} events/s (${r.verifySeconds.toFixed(1)} s); CPU ${r.cpuSeconds.toFixed(1)} s (all threads): ${int(r.events / r.cpuSeconds)} events per CPU second`,
      `verify --jobs ${p.jobs}  ${int(partsPerSec)} events/s (${p.seconds.toFixed(1)} s, the whole command); CPU ${p.cpuSeconds.toFixed(1)} s (all processes)   target ≥ ${int(TARGET)}: ${partsPerSec >= TARGET ? 'PASS' : 'FAIL'}`,
      `heap in use     ${r.heapMbSamples.join(', ')} MB after each tenth (after a full GC); peak RSS ${r.rssMbPeak} MB`,
      `live state      ${int(r.liveEntities)} heads, ${int(r.openBranches)} branches left quarantined`,
    ].join('\n'),
  );
};
