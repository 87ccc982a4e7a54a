import { cpus } from 'node:os';
import type { BenchArgs } from './args';
import { formatRate } from './measure';

/** Events per second, keyed by events per append (or rows per transaction). */
export interface PerBatchSize {
  '1': number;
  '10': number;
  '100': number;
}

export interface EventLogResult {
  appendPerSec: PerBatchSize;
  rawCeilingPerSec: PerBatchSize;
  readPerSec: number;
  subscribePerSec: number;
  fillSeconds: number;
}

/** The targets from the issue: reported, never fatal. */
const APPEND_VS_CEILING_TARGET = 0.5;
const READ_TARGET = 200_000;

const rounded = (rates: PerBatchSize): PerBatchSize => ({
  '1': Math.round(rates['1']),
  '10': Math.round(rates['10']),
  '100': Math.round(rates['100']),
});

export const printReport = (args: BenchArgs, result: EventLogResult): void => {
  const ratio = result.appendPerSec['100'] / result.rawCeilingPerSec['100'];
  const machine = { cpus: cpus().length, node: process.version };
  if (args.json) {
    const report = {
      appendPerSec: rounded(result.appendPerSec),
      rawCeilingPerSec: rounded(result.rawCeilingPerSec),
      appendVsCeiling100: Math.round(ratio * 1000) / 1000,
      readPerSec: Math.round(result.readPerSec),
      subscribePerSec: Math.round(result.subscribePerSec),
      events: args.events,
      fillSeconds: Math.round(result.fillSeconds * 10) / 10,
      command: args.command,
      machine,
    };
    console.log(JSON.stringify(report));
    return;
  }
  const sizes = ['1', '10', '100'] as const;
  const row = (label: string, rates: PerBatchSize) =>
    label.padEnd(26) + sizes.map((s) => formatRate(rates[s]).padStart(22)).join('');
  const percent = (value: number) => `${(value * 100).toFixed(1)}%`;
  const verdict = (ok: boolean) => (ok ? 'PASS' : 'FAIL');
  const events = args.events.toLocaleString('en-US');
  const lines = [
    `Event log benchmark: ${args.log} (WAL, synchronous=FULL)`,
    `command: ${args.command}`,
    `machine: ${machine.cpus} x ${cpus()[0]?.model ?? 'unknown CPU'}, node ${machine.node}`,
    '',
    'events per append'.padEnd(26) + sizes.map((s) => s.padStart(22)).join(''),
    row('EventLog.append', result.appendPerSec),
    row('raw INSERT (ceiling)', result.rawCeilingPerSec),
    'append / ceiling'.padEnd(26) +
      sizes
        .map((s) => percent(result.appendPerSec[s] / result.rawCeilingPerSec[s]).padStart(22))
        .join(''),
    '',
    `big log: ${events} events, filled in ${result.fillSeconds.toFixed(1)} s ` +
      `(${formatRate(args.events / result.fillSeconds)}, 100 per append)`,
    `readAll, pages of 1000:    ${formatRate(result.readPerSec)}`,
    `subscribe:                 ${formatRate(result.subscribePerSec)}`,
    '',
    `${verdict(ratio >= APPEND_VS_CEILING_TARGET)}  appends at 100 per batch reach >= 50% of the raw ceiling (${percent(ratio)})`,
    `${verdict(result.readPerSec >= READ_TARGET)}  readAll >= 200,000 events/s (${formatRate(result.readPerSec)})`,
  ];
  console.log(lines.join('\n'));
};
